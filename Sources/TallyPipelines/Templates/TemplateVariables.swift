/// The `{variable}` placeholders of templates: `{tenant_id}`, `{provider}`, `{domain}`, `{template_name}`,
/// `{pipeline_id}`. Their values are validated names, never request input, so substituting them into SQL
/// text is safe; request values go through bound `@parameters` instead.
public enum TemplateVariables {
    public static let names: Set<String> = ["tenant_id", "provider", "domain", "template_name", "pipeline_id"]

    /// Replaces every `{name}`; an unknown `{identifier}` is an error (a typo would otherwise reach SQL).
    /// Braces not around an identifier (JSON paths, literals) are left alone.
    public static func substitute(_ text: String, _ values: [String: String]) throws(TemplateError) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "{") {
            output += text[index..<open]
            let afterOpen = text.index(after: open)
            guard let close = text[afterOpen...].firstIndex(of: "}") else { break }
            let name = String(text[afterOpen..<close])
            if isIdentifier(name) {
                guard let value = values[name] else { throw .invalid("unknown template variable {\(name)}") }
                output += value
            } else {
                output += text[open...close]
            }
            index = text.index(after: close)
        }
        output += text[index...]
        return output
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }
}
