/// Associated data binding a ciphertext to the tenant and row that store it.
///
/// Format (UTF-8): `tally/v1|tenant=<tenant>|table=<table>|row=<row>`. Tenant ids are `[a-z0-9_]` and row ids
/// hex or UUIDs, so in practice the values appear verbatim. To keep the encoding injective for any input anyway,
/// `%`, `|` and `=` inside a value are percent-escaped (`%25`, `%7C`, `%3D`): distinct (tenant, table, row)
/// triples always give distinct bytes, so no crafted id can make one row's ciphertext decrypt as another's.
/// Changing this format makes existing ciphertexts undecryptable; a new format needs a new version prefix.
public enum AAD {
    public static func make(tenantID: String, table: String, rowID: String) -> [UInt8] {
        Array("tally/v1|tenant=\(escape(tenantID))|table=\(escape(table))|row=\(escape(rowID))".utf8)
    }

    private static func escape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "%": escaped += "%25"
            case "|": escaped += "%7C"
            case "=": escaped += "%3D"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
