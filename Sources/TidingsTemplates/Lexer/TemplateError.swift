/// Why a template could not be parsed, escaped, run or finished, and where.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Phase: String, Sendable {
        case parse, escape, exec, limit
    }

    public let phase: Phase
    /// The template's name (`content`, `base`, a `define`d name…).
    public let template: String
    public let position: SourcePosition?
    public let message: String

    public init(_ phase: Phase, template: String, at position: SourcePosition?, _ message: String) {
        self.phase = phase
        self.template = template
        self.position = position
        self.message = message
    }

    /// Go's layout: `template: content:3: unclosed action`.
    public var description: String {
        guard let position else { return "template: \(template): \(message)" }
        return "template: \(template):\(position.line): \(message)"
    }
}
