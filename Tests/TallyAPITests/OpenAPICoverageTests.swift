import Foundation
import TallyAPI
import Testing

/// `docs/openapi.yaml` must describe exactly the routes the router serves: every routed (method, path) is
/// documented, and nothing is documented that is not routed.
///
/// Yams is not a dependency of this target, so the spec is scanned line by line. It must keep the standard
/// layout: `paths:` at column 0, path keys indented 2 spaces, method keys (`get:`, `post:`, ...) indented 4
/// spaces and each operation's `operationId:` indented 6 spaces; keys may be quoted.
@Suite struct OpenAPICoverageTests {
    struct Operation: Hashable, Comparable, CustomStringConvertible {
        /// Upper-case, as the router spells it.
        var method: String
        var path: String

        var description: String { "\(method) \(path)" }

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
    }

    struct DocumentedOperation {
        var operation: Operation
        var operationID: String?
    }

    struct Spec {
        var openapi: String?
        var operations: [DocumentedOperation]
    }

    /// Repository root = three levels up from this file (Tests/TallyAPITests/OpenAPICoverageTests.swift).
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func loadSpec() throws -> Spec {
        scan(try String(contentsOf: specURL, encoding: .utf8))
    }

    static var routes: [Operation] {
        TallyApplication.routeTemplates.map { Operation(method: $0.method.uppercased(), path: $0.path) }
    }

    // MARK: - Coverage

    @Test func specIsOpenAPI31WithOperations() throws {
        let spec = try Self.loadSpec()
        #expect(spec.openapi?.hasPrefix("3.1") == true, "openapi is \(spec.openapi ?? "missing"), expected 3.1.x")
        #expect(!spec.operations.isEmpty, "no operations found under paths: (is the indentation standard?)")
        #expect(!Self.routes.isEmpty, "TallyApplication.routeTemplates is empty")
        let operations = spec.operations.map(\.operation)
        #expect(Set(operations).count == operations.count, "an operation is documented twice")
    }

    @Test func everyRouteIsDocumented() throws {
        let documented = Set(try Self.loadSpec().operations.map(\.operation))
        let missing = Self.routes.filter { !documented.contains($0) }.sorted()
        #expect(missing.isEmpty, "routed but missing from docs/openapi.yaml: \(missing)")
    }

    @Test func everyDocumentedOperationIsRouted() throws {
        let routed = Set(Self.routes)
        let unrouted = try Self.loadSpec().operations.map(\.operation).filter { !routed.contains($0) }.sorted()
        #expect(unrouted.isEmpty, "in docs/openapi.yaml but not routed: \(unrouted)")
    }

    @Test func everyOperationHasAUniqueOperationID() throws {
        let operations = try Self.loadSpec().operations
        for documented in operations {
            #expect(documented.operationID?.isEmpty == false, "\(documented.operation) has no operationId")
        }
        let ids = operations.compactMap(\.operationID)
        #expect(Set(ids).count == ids.count, "duplicate operationId in \(ids.sorted())")
    }

    /// The scanner itself, so a parsing slip cannot make the coverage tests pass vacuously.
    @Test func scannerReadsTheStandardLayout() {
        let yaml = """
            openapi: 3.1.0
            info:
              description: |
                paths:
                  /not/a/path:
                    get:
            paths:
              /a:
                get:
                  operationId: getA
                  summary: A.
                delete:
                  operationId: deleteA
              '/b/{id}':
                parameters:
                  - name: id
                    in: path
                post:
                  description: >
                    operationId: notIt
                  responses: {}
            components:
              schemas:
                get:
                  operationId: notAnOperation

            """
        let spec = Self.scan(yaml)
        #expect(spec.openapi == "3.1.0")
        let found = spec.operations.map { "\($0.operation) \($0.operationID ?? "-")" }
        #expect(found == ["GET /a getA", "DELETE /a deleteA", "POST /b/{id} -"])
    }

    // MARK: - Line-based scan

    /// The `openapi` version and the operations under `paths:`.
    static func scan(_ text: String) -> Spec {
        var spec = Spec(openapi: nil, operations: [])
        var inPaths = false
        var path: String?
        var current: Int?  // index in `spec.operations` of the operation being read
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.hasPrefix("#") { continue }
            let indent = line.count - content.count
            if indent <= 4 { current = nil }
            guard let (key, value) = entry(content) else { continue }
            switch indent {
            case 0:
                inPaths = key == "paths"
                path = nil
                if key == "openapi" { spec.openapi = value }
            case 2 where inPaths:
                path = key
            case 4 where inPaths:
                guard let path, httpMethods.contains(key) else { continue }
                spec.operations.append(
                    DocumentedOperation(operation: Operation(method: key.uppercased(), path: path), operationID: nil))
                current = spec.operations.count - 1
            case 6 where key == "operationId":
                if let current { spec.operations[current].operationID = value }
            default:
                continue
            }
        }
        return spec
    }

    /// `key: value` or `key:` (key optionally quoted; value unquoted), or nil for list items and text.
    static func entry(_ content: Substring) -> (key: String, value: String)? {
        guard !content.hasPrefix("-") else { return nil }
        let key: Substring
        var rest: Substring
        if let quote = content.first, quote == "'" || quote == "\"" {
            let quoted = content.dropFirst()
            guard let close = quoted.firstIndex(of: quote) else { return nil }
            key = quoted[..<close]
            rest = quoted[quoted.index(after: close)...]
        } else {
            let colon = content.indices.first { index in
                content[index] == ":"
                    && (content.index(after: index) == content.endIndex || content[content.index(after: index)] == " ")
            }
            guard let colon else { return nil }
            key = content[..<colon]
            rest = content[colon...]
        }
        guard !key.isEmpty, rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        var value = rest.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return (String(key), value)
    }
}
