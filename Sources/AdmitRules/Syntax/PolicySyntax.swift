import AdmitDomain

/// A name or quoted value as written, with where it was written.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The value as written (unquoted).
    public var value: Value
    /// Where it was written.
    public var location: SourceLocation

    /// `value`, written at `location`.
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A parsed policy file, before validation.
public struct PolicySyntax: Sendable, Hashable {
    /// The file's windows, in order.
    public var windows: [WindowSyntax]
    /// The file's rules, in order.
    public var rules: [RuleSyntax]
}

/// `window NAME [from BOUND] [until BOUND] in ZONE`.
public struct WindowSyntax: Sendable, Hashable {
    /// The window's name.
    public var name: Located<String>
    /// The start bound; nil: open since always.
    public var from: Located<TimeLiteral>?
    /// The end bound; nil: never closes.
    public var until: Located<TimeLiteral>?
    /// The IANA zone the bounds are read in.
    public var zone: Located<String>
}

/// Whether a rule grants or refuses.
public enum RuleEffect: String, Sendable, Hashable, Codable {
    case permit
    case forbid
}

/// `permit|forbid ID: TARGET [when CONDITION]`.
public struct RuleSyntax: Sendable, Hashable {
    /// Permit or forbid.
    public var effect: RuleEffect
    /// The rule's id.
    public var id: Located<String>
    /// What the rule covers.
    public var target: TargetSyntax
    /// The `when` condition; nil: always applies.
    public var condition: ConditionSyntax?
    /// Where the rule starts (its `permit` or `forbid`).
    public var location: SourceLocation
}

/// What a rule covers, as written.
public enum TargetSyntax: Sendable, Hashable {
    /// `any`: every action on everything.
    case any
    /// `open lecture "ID"`.
    case lecture(Located<String>)
    /// `open lecture in package "ID"`.
    case lecturesInPackage(Located<String>)
    /// `open any lecture`.
    case anyLecture
    /// `enrol in package "ID"`.
    case enrolInPackage(Located<String>)
    /// `enrol in any package`.
    case enrolInAnyPackage
}

/// A condition as written; `text` is its exact source, used in explanations.
public indirect enum ConditionSyntax: Sendable, Hashable {
    case and([ConditionSyntax], Located<String>)
    case or([ConditionSyntax], Located<String>)
    case not(ConditionSyntax, Located<String>)
    /// `user.ATTR == "v"`, `!= "v"`, `in ["a", "b"]` or `not in [...]`.
    case attribute(name: Located<String>, comparison: Comparison, values: [Located<String>], Located<String>)
    /// `user enrolled in [package] "ID"`.
    case enrolled(package: Located<String>, Located<String>)
    /// `now in WINDOW`.
    case inWindow(Located<String>, Located<String>)

    /// How an attribute is compared.
    public enum Comparison: String, Sendable, Hashable {
        case equal = "=="
        case notEqual = "!="
        case isIn = "in"
        case isNotIn = "not in"
    }

    /// The condition's source text and where it starts.
    public var source: Located<String> {
        switch self {
        case .and(_, let s), .or(_, let s), .not(_, let s), .attribute(_, _, _, let s), .enrolled(_, let s),
            .inWindow(_, let s):
            return s
        }
    }
}
