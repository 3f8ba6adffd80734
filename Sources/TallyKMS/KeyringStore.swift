import TallyCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keyring file I/O; the only POSIX code in TallyKMS.
///
/// Reads refuse files that group or others may access. Writes never expose a partial or world-readable file:
/// contents go to a fresh `O_EXCL` 0600 temporary in the same directory, are fsynced, then `link`ed (create, which
/// fails rather than replacing an existing keyring) or `rename`d (replace) into place, and the directory is fsynced.
enum KeyringStore {
    /// Far above any real keyring; stops a misconfigured path from being slurped into memory.
    static let maximumByteCount = 1 << 20

    static func readSecurely(_ path: String) throws -> [UInt8] {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        return try readVerified(descriptor, path: path)
    }

    static func createExclusively(_ path: String, contents: [UInt8]) throws {
        let temporary = try writeTemporary(nextTo: path, contents: contents)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST { throw KMSError.keyringExists(path: path) }
            throw KMSError.keyringUnwritable(path: path, reason: describe(code))
        }
        syncDirectory(containing: path)
    }

    /// Atomically replaces the keyring with `transform(current contents)` while holding an exclusive `flock`, so
    /// concurrent rotations serialize instead of one silently dropping the other's new key.
    static func replace<Result>(_ path: String, _ transform: ([UInt8]) throws -> ([UInt8], Result)) throws -> Result {
        let descriptor = try openLocked(path)
        defer { close(descriptor) }  // Releases the lock.
        let (contents, result) = try transform(try readVerified(descriptor, path: path))
        let temporary = try writeTemporary(nextTo: path, contents: contents)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw KMSError.keyringUnwritable(path: path, reason: describe(code))
        }
        syncDirectory(containing: path)
        return result
    }

    /// Locks the file currently at `path`, retrying when a concurrent `replace` renamed a new file over the one we
    /// locked (the lock belongs to the old inode).
    private static func openLocked(_ path: String) throws -> Int32 {
        while true {
            let descriptor = try openForReading(path)
            var status: Int32
            repeat { status = flock(descriptor, LOCK_EX) } while status != 0 && errno == EINTR
            var locked = stat()
            var current = stat()
            guard status == 0, fstat(descriptor, &locked) == 0, stat(path, &current) == 0 else {
                let code = errno
                close(descriptor)
                if code == ENOENT { throw KMSError.keyringMissing(path: path) }
                throw KMSError.keyringUnreadable(path: path, reason: describe(code))
            }
            if locked.st_dev == current.st_dev && locked.st_ino == current.st_ino { return descriptor }
            close(descriptor)
        }
    }

    private static func openForReading(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw KMSError.keyringMissing(path: path) }
            throw KMSError.keyringUnreadable(path: path, reason: describe(code))
        }
        return descriptor
    }

    private static func readVerified(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw KMSError.keyringUnreadable(path: path, reason: describe(errno))
        }
        guard Int(info.st_mode) & 0o170000 == 0o100000 else {
            throw KMSError.keyringUnreadable(path: path, reason: "not a regular file")
        }
        let permissions = Int(info.st_mode) & 0o7777
        guard permissions & 0o077 == 0 else { throw KMSError.keyringInsecure(path: path, mode: permissions) }
        var contents: [UInt8] = []
        let chunkSize = 4096
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = read(descriptor, &chunk, chunkSize)
            if count == 0 { return contents }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw KMSError.keyringUnreadable(path: path, reason: describe(errno))
            }
            contents += chunk[..<count]
            guard contents.count <= maximumByteCount else {
                throw KMSError.keyringUnreadable(path: path, reason: "larger than \(maximumByteCount) bytes")
            }
        }
    }

    /// Writes `contents` to a new 0600 file beside `path` and returns its path; removes it on any failure.
    private static func writeTemporary(nextTo path: String, contents: [UInt8]) throws -> String {
        let (directory, name) = split(path)
        guard let random = try? SecureRandom.bytes(count: 8) else {
            throw KMSError.keyringUnwritable(path: path, reason: "secure random source unavailable")
        }
        let suffix = Hex.encode(random)
        let temporary = (directory.hasSuffix("/") ? directory : directory + "/") + ".\(name).\(suffix).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KMSError.keyringUnwritable(path: path, reason: describe(errno)) }
        do {
            guard fchmod(descriptor, 0o600) == 0 else {
                throw KMSError.keyringUnwritable(path: path, reason: describe(errno))
            }
            var offset = 0
            while offset < contents.count {
                let written = contents.withUnsafeBytes {
                    write(descriptor, $0.baseAddress! + offset, $0.count - offset)
                }
                guard written >= 0 else {
                    if errno == EINTR { continue }
                    throw KMSError.keyringUnwritable(path: path, reason: describe(errno))
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw KMSError.keyringUnwritable(path: path, reason: describe(errno)) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlink(temporary)
            throw KMSError.keyringUnwritable(path: path, reason: describe(code))
        }
        return temporary
    }

    /// Makes the new directory entry durable; best effort, as some filesystems cannot fsync directories.
    private static func syncDirectory(containing path: String) {
        let descriptor = open(split(path).directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
