/// Resource limits applied while parsing untrusted input.
public struct JSONLimits: Sendable, Hashable {
    /// Most arrays/objects that may be open at once; a top-level `[]` has depth 1, so `0` allows scalars only.
    public var maxDepth: Int
    /// Longest string or key allowed, in UTF-8 bytes after unescaping.
    public var maxStringBytes: Int

    /// Creates limits; both values must be non-negative.
    public init(maxDepth: Int = 256, maxStringBytes: Int = .max) {
        precondition(maxDepth >= 0 && maxStringBytes >= 0, "JSONLimits must be non-negative")
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    /// Depth 256 and no string length limit (bound the input size instead, e.g. the line length).
    public static let `default` = JSONLimits()
}
