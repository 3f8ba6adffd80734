import TallyHTTP
import Testing

@testable import TallyPipelines

@Suite struct RunParametersTests {
    let declared = [ParameterSpec(name: "date", type: .date, required: true)]

    func error(_ body: [String: JSONValue]) -> TemplateError? {
        do {
            _ = try RunParameters(body: body, declared: declared)
            return nil
        } catch {
            return error
        }
    }

    @Test func validRequestBindsValues() throws {
        let parameters = try RunParameters(
            body: ["trigger_by": .string("ops@example.com"), "date": .string("2025-11-15")], declared: declared)
        #expect(parameters.values["date"] == .date("2025-11-15"))
        #expect(parameters.values["trigger_by"] == .string("ops@example.com"))
        #expect(parameters.triggerBy == "ops@example.com")
    }

    @Test func refusesBadValues() {
        let trigger: [String: JSONValue] = ["trigger_by": .string("me")]
        #expect(error(["date": .string("2025-11-15")]) == .invalidParameter(name: "trigger_by", reason: "is required"))
        #expect(error(trigger) == .invalidParameter(name: "date", reason: "is required"))
        for bad in ["2025-13-01", "2025-02-30", "15-11-2025", "2025-11-15'; DROP TABLE x; --", "2025-1-5", ""] {
            #expect(error(trigger.merging(["date": .string(bad)]) { $1 }) != nil, "accepted \(bad)")
        }
        #expect(error(trigger.merging(["date": .integer(20_251_115)]) { $1 }) != nil)
        #expect(error(["trigger_by": .integer(1), "date": .string("2025-11-15")]) != nil)
        #expect(
            error(["trigger_by": .string(String(repeating: "x", count: 300)), "date": .string("2025-11-15")]) != nil)
        #expect(error(["trigger_by": .string("a\u{0}b"), "date": .string("2025-11-15")]) != nil)
        #expect(
            error(trigger.merging(["date": .string("2025-11-15"), "sql": .string("x")]) { $1 })
                == .invalidParameter(name: "sql", reason: "is not a parameter of this pipeline"))
    }

    @Test func leapYears() {
        #expect(CalendarDate.isValid("2024-02-29"))
        #expect(!CalendarDate.isValid("2025-02-29"))
        #expect(!CalendarDate.isValid("2100-02-29"))
        #expect(CalendarDate.isValid("2000-02-29"))
    }
}
