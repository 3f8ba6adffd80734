import TallyWarehouse

/// The JSON text of the FOCUS `Tags` object and of `x_Credits`, written byte by byte (once per row of a
/// million-row load, so no intermediate `JSONValue` and no per-key string building).
enum GCPTags {
    /// Whether the record has any label or tag; one without has no `Tags` (null).
    static func hasTags(_ record: GCPExportRecord) -> Bool {
        !record.labels.isEmpty || !record.projectLabels.isEmpty || !record.systemLabels.isEmpty
            || !record.tags.isEmpty
    }

    /// Appends the `Tags` object of `record` to `out`: labels, then project labels (`project:`), system labels
    /// (`system:`) and resource tags (`tag:namespace/key`), in that order; the first of duplicate keys wins.
    /// Empty values become `true` (FOCUS: a key-only tag).
    static func write(_ record: GCPExportRecord, into out: inout [UInt8]) {
        var writer = ObjectWriter()
        out.append(0x7B)
        for label in record.labels { writer.add(nil, nil, label.key, label.value, to: &out) }
        for label in record.projectLabels { writer.add("project:", nil, label.key, label.value, to: &out) }
        for label in record.systemLabels { writer.add("system:", nil, label.key, label.value, to: &out) }
        for tag in record.tags { writer.add("tag:", tag.namespace, tag.key, tag.value, to: &out) }
        out.append(0x7D)
    }

    /// Appends the credits as a JSON array of objects with sorted keys, amounts as written in the export.
    static func writeCredits(_ credits: [GCPExportRecord.Credit], into out: inout [UInt8]) {
        out.append(0x5B)
        for (index, credit) in credits.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: #"{"amount":"#.utf8)
            out.append(contentsOf: (credit.amountText ?? "null").utf8)
            field(#","full_name":"#, credit.fullName, into: &out)
            field(#","id":"#, credit.id, into: &out)
            field(#","name":"#, credit.name, into: &out)
            field(#","type":"#, credit.type, into: &out)
            out.append(0x7D)
        }
        out.append(0x5D)
    }

    private static func field(_ prefix: StaticString, _ value: String?, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        if let value { JSONEscaping.appendQuoted(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// Writes the tags object's members; keys are compared as the bytes written, so prefixed keys need no
    /// strings.
    private struct ObjectWriter {
        private var keys: [Range<Int>] = []

        mutating func add(
            _ prefix: StaticString?, _ namespace: String?, _ key: String, _ value: String?, to out: inout [UInt8]
        ) {
            let mark = out.count
            if !keys.isEmpty { out.append(0x2C) }
            let keyStart = out.count
            out.append(0x22)
            if let prefix {
                out.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
            }
            if let namespace {
                JSONEscaping.appendEscaped(namespace, to: &out)
                out.append(0x2F)
            }
            JSONEscaping.appendEscaped(key, to: &out)
            out.append(0x22)
            let written = keyStart..<out.count
            if keys.contains(where: { out[$0].elementsEqual(out[written]) }) {
                out.removeSubrange(mark...)
                return
            }
            keys.append(written)
            out.append(0x3A)
            if let value, !value.isEmpty {
                JSONEscaping.appendQuoted(value, to: &out)
            } else {
                out.append(contentsOf: "true".utf8)
            }
        }
    }
}
