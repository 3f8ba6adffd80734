/// A sum of decimal amounts kept exact: amounts are added as integers of 10⁻¹² units, from their literal text,
/// so a day of a million export rows reconciles without floating-point drift. Literals with more than twelve
/// decimals or an exponent (never seen in billing exports) are added through `Double`, rounded to the unit.
struct ExactAmount: Sendable, Equatable {
    static let decimals = 12
    private static let scale: Int128 = 1_000_000_000_000
    private(set) var units: Int128 = 0

    /// Adds a literal such as `17.959314` or `-0.36`; false when it is not a number.
    @discardableResult
    mutating func add(_ literal: String) -> Bool {
        var utf8 = literal.utf8[...]
        let negative = utf8.first == 0x2D
        if negative { utf8 = utf8.dropFirst() }
        var value: Int128 = 0
        var fraction = -1
        for byte in utf8 {
            switch byte {
            case 0x30...0x39 where fraction < Self.decimals:
                value = value * 10 + Int128(byte - 0x30)
                if fraction >= 0 { fraction += 1 }
            case 0x2E where fraction < 0:
                fraction = 0
            default:
                guard let number = Double(literal) else { return false }
                units += Int128((number * 1e12).rounded())
                return true
            }
        }
        guard !utf8.isEmpty else { return false }
        for _ in max(fraction, 0)..<Self.decimals { value *= 10 }
        units += negative ? -value : value
        return true
    }

    mutating func add(_ other: ExactAmount) {
        units += other.units
    }

    /// The sum as a double (for a NUMERIC column); exact to well below a cent.
    var double: Double {
        let whole = units / Self.scale
        let rest = units % Self.scale
        return Double(whole) + Double(rest) / 1e12
    }
}
