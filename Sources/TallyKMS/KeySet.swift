/// The validated keys of a loaded keyring: every version (to decrypt) and the primary (to encrypt).
struct KeySet: Sendable, CustomStringConvertible {
    let primary: UInt32
    let keys: [UInt32: [UInt8]]

    init(primary: UInt32, keys: [UInt32: [UInt8]]) {
        precondition(keys[primary] != nil, "primary key version missing")
        self.primary = primary
        self.keys = keys
    }

    var primaryKey: [UInt8] { keys[primary]! }

    var newestVersion: UInt32 { keys.keys.max() ?? 0 }

    /// Redacted, so logging a key set by accident cannot leak keys.
    var description: String {
        "KeySet(primary: \(primary), versions: \(keys.keys.sorted()))"
    }
}
