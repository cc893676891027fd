import Admit
import AdmitJSON

extension RPCError {
    /// Admit's error as a JSON-RPC error: the one place that maps each cause to its code.
    ///
    /// The message is Admit's own line; `data` carries what a program may act on (the unknown
    /// name and the suggestion).
    public init(_ error: AdmitError) {
        switch error {
        case .unknownUser(let user):
            self.init(.unknownUser, error.description, data: ["user": .string(user)])
        case .unknownLecture(let lecture, let suggestion):
            self.init(
                .unknownLecture, error.description,
                data: ["lecture": .string(lecture), "suggestion": suggestion.map { .string($0) } ?? .null])
        case .unknownPackage(let package, let suggestion):
            self.init(
                .unknownPackage, error.description,
                data: ["package": .string(package), "suggestion": suggestion.map { .string($0) } ?? .null])
        case .invalidInput(let input):
            if let parameter = input.parameter {
                self.init(.invalidParams, "invalid params: \(input)", data: ["param": .string(parameter)])
            } else {
                self.init(.invalidInput, error.description)
            }
        case .policyInvalid(let listing, let errors):
            // A reply's message is one line: the first error, and how many more; every error
            // (`file:line:col: error: …`) is in `data.errors`, the compiler-style listing in `data.listing`.
            let first = errors.first ?? ""
            let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
            self.init(
                .policyInvalid, "the policy files have errors: \(first)\(more)",
                data: ["errors": .array(errors.map { .string($0) }), "listing": .string(listing)])
        case .policyMissing:
            self.init(.policyMissing, error.description)
        case .fileUnreadable, .seedsInvalid:
            self.init(.fileUnreadable, error.description)
        case .database:
            self.init(error.isBusy ? .databaseBusy : .databaseError, error.description)
        case .notOnPostgresYet(let feature, _):
            self.init(.databaseError, error.description, data: ["feature": .string(feature)])
        case .auditNotFound(let seq):
            self.init(.auditNotFound, error.description, data: ["seq": .number(JSONNumber(seq))])
        case .reportIndexesBehind(let behind, let limit):
            self.init(
                .reportIndexesBehind, error.description, data: ["behind": .number(JSONNumber(behind)), "limit": .number(JSONNumber(limit))])
        }
    }
}
