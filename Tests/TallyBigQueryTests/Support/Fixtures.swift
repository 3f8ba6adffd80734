import Foundation
import TallyWarehouse

/// Schemas and rows shared by the tests.
enum Fixtures {
    static let small = TableSchema(fields: [
        .init(name: "id", type: .string, mode: .required), .init(name: "n", type: .int64),
    ])

    /// Every field type, RECORD and REPEATED included.
    static let allTypes = TableSchema(fields: [
        .init(name: "id", type: .string, mode: .required),
        .init(name: "count", type: .int64),
        .init(name: "ratio", type: .float64),
        .init(name: "amount", type: .numeric),
        .init(name: "active", type: .bool),
        .init(name: "at", type: .timestamp),
        .init(name: "day", type: .date),
        .init(name: "blob", type: .bytes),
        .init(name: "doc", type: .json),
        .init(
            name: "service", type: .record,
            fields: [.init(name: "id", type: .string), .init(name: "description", type: .string)]),
        .init(name: "tags", type: .string, mode: .repeated),
    ])

    /// Scalar columns only, as step_logs and api_keys have: inserted by DML.
    static let scalars = TableSchema(fields: [
        .init(name: "id", type: .string, mode: .required),
        .init(name: "count", type: .int64),
        .init(name: "ratio", type: .float64),
        .init(name: "amount", type: .numeric),
        .init(name: "active", type: .bool),
        .init(name: "at", type: .timestamp),
        .init(name: "day", type: .date),
        .init(name: "blob", type: .bytes),
        .init(name: "doc", type: .json),
        .init(name: "note", type: .string),
    ])

    static let instant = Date(timeIntervalSince1970: 1_754_006_400.123456)

    static func scalarRow(_ id: String) -> Row {
        [
            "id": .string(id), "count": .int(9_007_199_254_740_993), "ratio": .double(0.1), "amount": .double(12.5),
            "active": .bool(true), "at": .timestamp(instant), "day": .date("2025-08-01"),
            "blob": .bytes([0, 1, 254, 255]),
            "doc": .json(#"{"a":[1,2],"b":"x"}"#), "note": .null,
        ]
    }
}
