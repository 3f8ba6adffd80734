/// Which pipeline a run belongs to: `{tenant_id}-{provider}-{domain}-{template_name}`.
public struct PipelineIdentity: Sendable, Hashable {
    public var tenantID: String
    public var provider: String
    public var domain: String
    public var templateName: String

    /// Path segments name files under `configs/`, so they are restricted to a safe alphabet before any
    /// file is touched: lowercase letters, digits, `-` and `_`, starting with a letter or digit.
    public init(tenantID: String, provider: String, domain: String, templateName: String) throws(TemplateError) {
        for (label, value) in [("provider", provider), ("domain", domain), ("template", templateName)] {
            guard Self.isSafeSegment(value) else { throw .notFound("\(label) '\(value.prefix(64))'") }
        }
        self.tenantID = tenantID
        self.provider = provider
        self.domain = domain
        self.templateName = templateName
    }

    public var pipelineID: String { "\(tenantID)-\(provider)-\(domain)-\(templateName)" }

    /// The template's path relative to the configs directory.
    public var templatePath: String { "\(provider)/\(domain)/\(templateName).yml" }

    public var variables: [String: String] {
        [
            "tenant_id": tenantID, "provider": provider, "domain": domain, "template_name": templateName,
            "pipeline_id": pipelineID,
        ]
    }

    static func isSafeSegment(_ text: String) -> Bool {
        guard let first = text.utf8.first, (1...64).contains(text.utf8.count) else { return false }
        let allowed = { (byte: UInt8) in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
        return first != 0x2D && first != 0x5F && text.utf8.allSatisfy(allowed)
    }
}
