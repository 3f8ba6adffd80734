/// Problems with a template or with the values a run request gives it.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No template at `configs/{provider}/{domain}/{template}.yml`.
    case notFound(String)
    /// The template itself is broken (a configuration error, caught when it loads).
    case invalid(String)
    /// A request value is missing, unknown or malformed; the message names the parameter.
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let name): "no pipeline template \(name)"
        case .invalid(let reason): "invalid template: \(reason)"
        case .invalidParameter(let name, let reason): "parameter '\(name)': \(reason)"
        }
    }
}
