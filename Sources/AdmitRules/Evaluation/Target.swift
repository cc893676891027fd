import AdmitDomain

/// What a rule covers: an action (or every action) on a scope of resources.
public struct Target: Sendable, Hashable {
    /// Which resources a rule covers.
    public enum Scope: Sendable, Hashable {
        case any
        case package(PackageID)
        case lecture(LectureID)
    }

    /// The action covered; nil covers every action.
    public var action: Action?
    /// The resources covered.
    public var scope: Scope

    /// A target covering `action` (nil: every action) on `scope`.
    public init(action: Action?, scope: Scope) {
        self.action = action
        self.scope = scope
    }

    /// Whether the rule is about `request` at all (before its condition is looked at).
    @inlinable
    public func covers(_ request: AccessRequest) -> Bool {
        if let action, action != request.action { return false }
        switch scope {
        case .any: return true
        case .package(let package): return package == request.package
        case .lecture(let lecture): return lecture == request.lecture
        }
    }

    /// Whether every request this target covers is also covered by `other`.
    func isCovered(by other: Target) -> Bool {
        if let otherAction = other.action, otherAction != action { return false }
        switch (other.scope, scope) {
        case (.any, _): return true
        case (.package(let a), .package(let b)): return a == b
        case (.lecture(let a), .lecture(let b)): return a == b
        default: return false
        }
    }
}
