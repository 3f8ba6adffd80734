import Foundation
import TallyHTTP
import TallyWarehouse

/// A run request's values, validated against the template's declared parameters.
///
/// `trigger_by` is always required. Values are bound into SQL as `@name`; they never become SQL text,
/// file paths or table names.
public struct RunParameters: Sendable, Equatable {
    public var triggerBy: String
    /// Bound parameters, by name, including `trigger_by`.
    public var values: [String: WarehouseValue]
    /// The validated request values, as stored with the run.
    public var json: [String: JSONValue]

    public static let maxStringLength = 256

    public init(body: [String: JSONValue], declared: [ParameterSpec]) throws(TemplateError) {
        guard case .string(let triggerBy)? = body["trigger_by"] else {
            throw .invalidParameter(
                name: "trigger_by", reason: body["trigger_by"] == nil ? "is required" : "must be a string")
        }
        try Self.checkText(triggerBy, name: "trigger_by", maxLength: Self.maxStringLength)
        let known = Set(declared.map(\.name)).union(["trigger_by"])
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidParameter(name: unknown, reason: "is not a parameter of this pipeline")
        }
        self.triggerBy = triggerBy
        values = ["trigger_by": .string(triggerBy)]
        json = ["trigger_by": .string(triggerBy)]
        for spec in declared {
            guard let raw = body[spec.name], raw != .null else {
                if spec.required { throw .invalidParameter(name: spec.name, reason: "is required") }
                values[spec.name] = .null
                continue
            }
            values[spec.name] = try Self.convert(raw, spec)
            json[spec.name] = raw
        }
    }

    private static func convert(_ raw: JSONValue, _ spec: ParameterSpec) throws(TemplateError) -> WarehouseValue {
        switch (spec.type, raw) {
        case (.date, .string(let text)):
            guard CalendarDate.isValid(text) else {
                throw .invalidParameter(name: spec.name, reason: "must be a date YYYY-MM-DD")
            }
            return .date(text)
        case (.string, .string(let text)):
            try checkText(text, name: spec.name, maxLength: spec.maxLength ?? maxStringLength)
            return .string(text)
        case (.integer, .integer(let value)):
            return .int(value)
        case (.boolean, .bool(let value)):
            return .bool(value)
        default:
            throw .invalidParameter(name: spec.name, reason: "must be a \(spec.type.rawValue), not \(raw.typeName)")
        }
    }

    private static func checkText(_ text: String, name: String, maxLength: Int) throws(TemplateError) {
        guard !text.isEmpty, text.count <= maxLength else {
            throw .invalidParameter(name: name, reason: "must be 1 to \(maxLength) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidParameter(name: name, reason: "must not contain control characters")
        }
    }
}

/// Calendar dates in `YYYY-MM-DD` form that exist (no 2025-02-30).
public enum CalendarDate {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1970...2200).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Midnight UTC at the start of the day after `text`, for freshness and exclusive period ends.
    public static func endOfDay(_ text: String) -> Date? {
        WarehouseTimestamp.parse(text + "T00:00:00Z").map { $0.addingTimeInterval(86_400) }
    }
}
