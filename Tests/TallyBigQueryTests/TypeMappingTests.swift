import Foundation
import Testing

@testable import TallyWarehouse

@Suite("Type mapping: schemas, parameters, cells")
struct TypeMappingTests {
    @Test func schemasUseStandardNamesAndReadLegacyOnes() throws {
        let json = BigQueryTypes.schemaJSON(Fixtures.allTypes)
        let fields = try #require(json["fields"]?.array)
        #expect(
            fields.map { $0["type"]?.string } == [
                "STRING", "INT64", "FLOAT64", "NUMERIC", "BOOL", "TIMESTAMP", "DATE", "BYTES", "JSON", "RECORD",
                "STRING",
            ])
        #expect(fields[0]["mode"] == .string("REQUIRED"))
        #expect(fields[10]["mode"] == .string("REPEATED"))
        #expect(fields[9]["fields"]?.array?.count == 2)
        #expect(BigQueryTypes.schema(from: json) == Fixtures.allTypes)

        let legacy = try #require(
            BigQueryJSON.parse(
                #"{"fields":[{"name":"a","type":"INTEGER"},{"name":"b","type":"FLOAT"},{"name":"c","type":"BOOLEAN"},{"name":"d","type":"STRUCT","fields":[{"name":"e","type":"DATETIME"}]},{"name":"f","type":"BIGNUMERIC","mode":"REQUIRED"}]}"#
            ))
        let schema = BigQueryTypes.schema(from: legacy)
        #expect(schema.fields.map(\.type) == [.int64, .float64, .bool, .record, .numeric])
        #expect(schema.fields[3].fields?.first?.type == .string)
        #expect(schema.fields[4].mode == .required)
    }

    @Test func parametersAreTypedStringsAndNullsAreTheKeyword() throws {
        let bound = try BoundSQL(
            "SELECT * FROM t WHERE a = @A AND b = @b AND c IS @c AND d = @d AND s = '@a' -- @e\n AND x = @@row_count",
            [
                "a": .int(9_007_199_254_740_993), "b": .timestamp(Fixtures.instant), "c": .null, "d": .bytes([0, 255]),
                "e": .string("comment only"),
            ], prefix: "s1_")
        #expect(
            bound.sql
                == "SELECT * FROM t WHERE a = @s1_a AND b = @s1_b AND c IS NULL AND d = @s1_d AND s = '@a' -- @e\n AND x = @@row_count"
        )
        #expect(
            bound.parameters == [
                BigQueryParameters.json(name: "s1_a", type: "INT64", value: "9007199254740993"),
                BigQueryParameters.json(name: "s1_b", type: "TIMESTAMP", value: "2025-08-01T00:00:00.123456Z"),
                BigQueryParameters.json(name: "s1_d", type: "BYTES", value: "AP8="),
            ])
        let shape = try #require(bound.parameters.first)
        #expect(
            shape.text
                == #"{"name":"s1_a","parameterType":{"type":"INT64"},"parameterValue":{"value":"9007199254740993"}}"#)
        #expect(BigQueryParameters.typed(.double(.nan))! == ("FLOAT64", "NaN"))
        #expect(BigQueryParameters.typed(.bool(false))! == ("BOOL", "false"))
        #expect(BigQueryParameters.typed(.date("2025-08-01"))! == ("DATE", "2025-08-01"))
        #expect(BigQueryParameters.typed(.json(#"{"a":1}"#))! == ("JSON", #"{"a":1}"#))
        let numeric = TableSchema.Field(name: "n", type: .numeric)
        #expect(BigQueryParameters.typed(.double(1e-7), for: numeric)! == ("NUMERIC", "0.0000001"))
        let json = TableSchema.Field(name: "j", type: .json)
        #expect(BigQueryParameters.typed(.string("plain"), for: json)! == ("JSON", #""plain""#))
    }

    @Test(arguments: [
        ("1754006400123456", 1_754_006_400.123456),  // useInt64Timestamp: microseconds
        ("1754006400.123456", 1_754_006_400.123456),  // float seconds (the peer's default)
        ("1.754006400123456E9", 1_754_006_400.123456),  // float seconds, scientific (real BigQuery's default)
        ("-1000000", -1.0),
    ])
    func timestampCellsInEveryForm(cell: String, seconds: Double) throws {
        let value = try BigQueryCells.value(.string(cell), field: .init(name: "at", type: .timestamp))
        let date = try #require(value.timestampValue)
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test func timestampsFormatWithMicroseconds() {
        #expect(BigQueryTimestamp.format(Fixtures.instant) == "2025-08-01T00:00:00.123456Z")
        #expect(BigQueryTimestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500000Z")
        #expect(BigQueryTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000000Z")
    }

    @Test func cellsDecodeScalarsAndNestedData() throws {
        let row = try #require(
            BigQueryJSON.parse(
                #"{"f":[{"v":"42"},{"v":"0.5"},{"v":"true"},{"v":"AP8="},{"v":"2025-08-01"},{"v":null},{"v":"{\"k\":[1,2]}"},{"v":{"f":[{"v":"svc"},{"v":[{"v":"1"},{"v":"9007199254740993"}]},{"v":"1754006400000000"}]}},{"v":[{"v":{"f":[{"v":"-0.25"}]}}]}]}"#
            ))
        let fields: [TableSchema.Field] = [
            .init(name: "i", type: .int64), .init(name: "f", type: .float64), .init(name: "b", type: .bool),
            .init(name: "bytes", type: .bytes), .init(name: "d", type: .date), .init(name: "n", type: .string),
            .init(name: "j", type: .json),
            .init(
                name: "svc", type: .record,
                fields: [
                    .init(name: "id", type: .string), .init(name: "nums", type: .int64, mode: .repeated),
                    .init(name: "at", type: .timestamp),
                ]),
            .init(name: "credits", type: .record, mode: .repeated, fields: [.init(name: "amount", type: .float64)]),
        ]
        let decoded = try #require(try BigQueryCells.rows([row], fields: fields).first)
        #expect(decoded["i"] == .int(42))
        #expect(decoded["f"] == .double(0.5))
        #expect(decoded["b"] == .bool(true))
        #expect(decoded["bytes"] == .bytes([0, 255]))
        #expect(decoded["d"] == .date("2025-08-01"))
        #expect(decoded["n"] == .null)
        #expect(decoded["j"] == .json(#"{"k":[1,2]}"#))
        #expect(
            decoded["svc"] == .json(#"{"at":"2025-08-01T00:00:00.000000Z","id":"svc","nums":[1,9007199254740993]}"#))
        #expect(decoded["credits"] == .json(#"[{"amount":-0.25}]"#))
        #expect(throws: WarehouseError.self) { try BigQueryCells.rows([row], fields: Array(fields.prefix(2))) }
    }

    @Test func rowsAreCheckedLikeTheEmbeddedEngineAndEncodedForLoads() throws {
        let table = try TableRef(dataset: "d", table: "t")
        let encoding = BigQueryRowEncoding(table: table, schema: Fixtures.allTypes)
        let checked = try encoding.check([
            [
                "id": .string("a"), "count": .double(3), "ratio": .int(2), "at": .string("2025-08-01 00:00:00 UTC"),
                "service": .json(#"{"id":"x"}"#), "tags": .json(#"["p"]"#), "amount": .double(1.5),
            ]
        ])
        let json = encoding.json(checked[0])
        #expect(json["count"] == .string("3"))
        #expect(json["ratio"] == .number("2.0"))
        #expect(json["amount"] == .string("1.5"))
        #expect(json["at"] == .string("2025-08-01T00:00:00.000000Z"))
        #expect(json["service"] == .object(["id": .string("x")]))
        #expect(json["tags"] == .array([.string("p")]))
        #expect(json["day"] == nil)
        #expect(throws: WarehouseError.invalidValue("column id is REQUIRED")) {
            try encoding.check([["count": .int(1)]])
        }
        #expect(throws: WarehouseError.invalidValue("column tags expects REPEATED")) {
            try encoding.check([["id": .string("a"), "tags": .json(#"{"not":"an array"}"#)]])
        }
        #expect(throws: WarehouseError.invalidValue("d.t has no column zzz")) {
            try encoding.check([["id": .string("a"), "zzz": .int(1)]])
        }
    }

    @Test func jobLabelsAreFittedToBigQueryRules() {
        #expect(BigQueryLabels.sanitizedValue("Tenant-A.B") == "tenant-a_b")
        #expect(BigQueryLabels.sanitizedValue(String(repeating: "x", count: 80)).count == 63)
        #expect(BigQueryLabels.sanitizedKey("9lives") == nil)
        #expect(BigQueryLabels.isValidKey("tally_state") && !BigQueryLabels.isValidKey("Tally"))
        #expect(BigQueryLabels.isValidValue("1700000000") && BigQueryLabels.isValidValue(""))
    }
}
