import TallyHTTP

/// A decoded value together with the JSON it came from, so raw tables keep the provider's whole result
/// (fields Tally does not map included) without decoding the response twice.
struct Captured<Value: Decodable>: Decodable {
    var value: Value
    var raw: JSONValue

    init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
        raw = try JSONValue(from: decoder)
    }
}
