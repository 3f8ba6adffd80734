import Foundation
import Synchronization
import TallyWarehouse
import Yams

/// Loads templates and schema files from the configs directory, validating each once and caching it.
///
/// Every path is built from validated segments and checked to stay inside the configs directory, so no
/// request can make Tally read another file.
public final class TemplateCatalog: Sendable {
    public let root: String
    private let templates = Mutex<[String: PipelineTemplate]>([:])
    private let schemas = Mutex<[String: TableSchema]>([:])

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    /// The template for `identity`, or `.notFound`.
    public func template(for identity: PipelineIdentity) throws(TemplateError) -> PipelineTemplate {
        try template(atRelativePath: identity.templatePath)
    }

    public func template(atRelativePath path: String) throws(TemplateError) -> PipelineTemplate {
        if let cached = templates.withLock({ $0[path] }) { return cached }
        let text = try read(path, missing: .notFound(path.replacingOccurrences(of: ".yml", with: "")))
        let template: PipelineTemplate
        do {
            template = try YAMLDecoder().decode(PipelineTemplate.self, from: text)
        } catch {
            throw .invalid("\(path): \(error)")
        }
        try TemplateValidator.validate(template, name: path)
        for step in template.steps where step.type == .load {
            _ = try schema(atRelativePath: step.schema ?? "")
            _ = try file(atRelativePath: step.source ?? "")
        }
        for step in template.steps where step.type == .query {
            if let path = step.schema { _ = try schema(atRelativePath: path) }
        }
        templates.withLock { $0[path] = template }
        return template
    }

    /// A table schema file (YAML, `fields:` in BigQuery's shape).
    public func schema(atRelativePath path: String) throws(TemplateError) -> TableSchema {
        if let cached = schemas.withLock({ $0[path] }) { return cached }
        let text = try read(path, missing: .invalid("schema file \(path) not found"))
        do {
            let schema = try YAMLDecoder().decode(TableSchema.self, from: text)
            schemas.withLock { $0[path] = schema }
            return schema
        } catch {
            throw .invalid("\(path): \(error)")
        }
    }

    /// The absolute path of a file shipped under the configs directory.
    public func file(atRelativePath path: String) throws(TemplateError) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." }) else {
            throw .invalid("path '\(path)' must be relative to the configs directory")
        }
        let absolute = URL(fileURLWithPath: root).appendingPathComponent(path).standardizedFileURL.path
        guard absolute.hasPrefix(root + "/"), FileManager.default.isReadableFile(atPath: absolute) else {
            throw .invalid("file \(path) not found under configs")
        }
        return absolute
    }

    private func read(_ path: String, missing: TemplateError) throws(TemplateError) -> String {
        let absolute = URL(fileURLWithPath: root).appendingPathComponent(path).standardizedFileURL.path
        guard absolute.hasPrefix(root + "/"), let data = FileManager.default.contents(atPath: absolute) else {
            throw missing
        }
        return String(decoding: data, as: UTF8.self)
    }
}
