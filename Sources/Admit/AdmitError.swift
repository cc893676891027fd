import AdmitDomain
import AdmitRules
import AdmitStore

/// Everything that can go wrong in an Admit use case, with the words for it written once.
///
/// A denied request is not an error: it is a `Decision`. These are the failures that stop a
/// command: bad input, unknown names, unreadable files, an invalid policy, a database problem.
public enum AdmitError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownUser(String)
    case unknownLecture(String, suggestion: String?)
    case unknownPackage(String, suggestion: String?)
    /// A value given by the caller is malformed or out of place; the case says which.
    case invalidInput(InvalidInput)
    /// The policy files have errors: the compiler-style listing of all of them (each error with
    /// its source line and a caret), and each error's own line (`file:line:col: error: …`).
    case policyInvalid(listing: String, errors: [String])
    /// No policy (or no policy tests) where the caller said to look.
    case policyMissing(PolicyMissing)
    case seedsInvalid(path: String, reason: String)
    case fileUnreadable(path: String, reason: String)
    /// The database could not be used (busy, too new, damaged, …): the store's error.
    case database(StoreError)
    /// A use case that runs on SQLite only so far (`feature`, as the command names it) was asked
    /// of a PostgreSQL database (`url`, password masked).
    case notOnPostgresYet(feature: String, url: String)
    /// A replay was asked for a decision that is not in the log.
    case auditNotFound(Int64)
    /// A report would first index more new audit rows than its caller allows.
    case reportIndexesBehind(behind: Int64, limit: Int64)

    /// One lowercase line, without the `error:` prefix.
    public var description: String {
        switch self {
        case .unknownUser(let user): return "unknown user '\(user)' (give an email address or a numeric user id)"
        case .unknownLecture(let id, let suggestion): return "unknown lecture '\(id)'" + Self.hint(suggestion)
        case .unknownPackage(let id, let suggestion): return "unknown package '\(id)'" + Self.hint(suggestion)
        case .invalidInput(let input): return input.description
        case .policyInvalid(let listing, _): return "the policy files have errors:\n\(listing)"
        case .policyMissing(let missing): return missing.description
        case .seedsInvalid(let path, let reason): return "\(path): \(reason)"
        case .fileUnreadable(let path, let reason): return "\(path): \(reason)"
        case .database(let error) where error.kind == .busy:
            return "\(error.path): database is busy: another process holds the write lock (\(error.cause))"
        case .database(let error): return error.description
        case .notOnPostgresYet(let feature, let url):
            return
                "\(url) is a PostgreSQL database, and `admit \(feature)` runs on SQLite only so far (every other command runs on PostgreSQL; Docs/scaling.md)"
        case .auditNotFound(let seq): return "no decision #\(seq) in the audit log"
        case .reportIndexesBehind(let behind, let limit):
            return "report indexes behind: \(behind) audit rows to index first, more than the \(limit) allowed here; run "
                + "`admit audit enrolments` on the same database, which indexes them in chunks that a running service waits out, "
                + "then ask again"
        }
    }

    /// True when the database was busy: another process held the write lock too long.
    public var isBusy: Bool {
        if case .database(let error) = self { return error.kind == .busy }
        return false
    }

    private static func hint(_ suggestion: String?) -> String { suggestion.map { "; did you mean '\($0)'?" } ?? "" }
}

extension AdmitError {
    /// The error for `diagnostics` found in `sources`.
    static func policyInvalid(_ diagnostics: PolicyDiagnostics, sources: [PolicySource]) -> AdmitError {
        .policyInvalid(listing: diagnostics.rendered(sources: sources), errors: diagnostics.diagnostics.map(\.description))
    }
}

/// What is wrong with a value the caller gave, as values; the words are written here once.
public enum InvalidInput: Sendable, Hashable, CustomStringConvertible {
    /// An instant option that does not parse (a missing offset, …).
    case instant(option: String, reason: String)
    /// A `[from, until)` range whose end is not after its start.
    case emptyRange
    /// An option that applies to enrolments (`at`, `force`) given without a package.
    case needsPackage(option: String)
    /// A withdrawal at an instant before the enrolment began.
    case withdrawalBeforeStart(user: EmailAddress, package: PackageID, at: Instant, began: Instant, zone: Zone)
    /// An output path that names no file (empty, `.` or `..`).
    case notAFile(path: String)
    /// A report over several packages that names none.
    case packageNotNamed(packages: Int)
    /// A decision whose policy version the database does not keep.
    case policyVersionMissing(hash: String, decision: Int64)
    /// A replay of an audit row that is not a decision.
    case notADecision(seq: Int64, kind: String)
    /// A decision whose facts this build cannot read.
    case factsUnreadable(decision: Int64)
    /// A replay of a decision that names no lecture.
    case opensNoLecture(decision: Int64)
    /// A decision named by number alone on PostgreSQL, where several writers' chains have one.
    case decisionInSeveralChains(seq: Int64, writers: [String])
    /// A decision named with a writer on SQLite, whose log is one chain.
    case writerOnSQLite(id: String)
    /// Text that is not a decision's number (`N`, or `WRITER:N` on PostgreSQL).
    case notADecisionID(text: String)
    /// A command for PostgreSQL's decision log given a SQLite database.
    case postgresOnly(feature: String, path: String)
    /// Partitions asked for too many days ahead.
    case partitionsAhead(days: Int)
    /// A retention day after today: it would drop the decisions being written.
    case dropsCurrentDecisions(day: LocalDate, today: LocalDate)
    /// A registration input with no header row; `header` is an example of one.
    case emptyInput(path: String, header: String)
    /// A registration header that is not well-formed CSV.
    case malformedHeader(path: String, line: Int, message: String, code: String)
    /// A registration header with problems, each a `path:line: error: …` line.
    case headerProblems(path: String, problems: [String])
    /// Problems with an input as a whole (a OneRoster manifest, its files, a class map), each a
    /// `path:line: error: …` line.
    case problems(path: String, problems: [String])
    /// An input file with no header row; `header` is the one it should start with.
    case emptyFile(path: String, header: String)
    /// A OneRoster package with no `manifest.csv`.
    case noManifest(path: String, archive: Bool)
    /// A OneRoster package given as a stream rather than a path.
    case rosterNotAPath(name: String)
    /// A OneRoster package given with `package`: it enrols through its classes.
    case rosterWithPackage(path: String)
    /// An output format that the report asked for does not write.
    case formatNotForReport(format: String, report: String)

    /// The request parameter (or option, without its dashes) at fault, when it is one.
    public var parameter: String? {
        switch self {
        case .emptyRange: "until"
        case .needsPackage(let option): option
        case .instant(let option, _): String(option.drop(while: { $0 == "-" }))
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .instant(let option, let reason): "\(option): \(reason)"
        case .emptyRange: "until must be after from"
        case .needsPackage(let option):
            "\(option) applies to the enrolments: give package too (or a OneRoster package, whose classes name them)"
        case .withdrawalBeforeStart(let user, let package, let at, let began, let zone):
            "cannot withdraw \(user.normalized) from \(package) at \(at.formatted(in: zone)): "
                + "the enrolment began at \(began.formatted(in: zone))"
        case .notAFile(let path): "'\(path)' does not name a file"
        case .packageNotNamed(let count): "there are \(count) packages; name the package to report on"
        case .policyVersionMissing(let hash, let seq): "policy version \(hash) of decision #\(seq) is not in the database"
        case .notADecision(let seq, let kind): "audit row #\(seq) is a '\(kind)' row, not a decision"
        case .factsUnreadable(let seq): "decision #\(seq) does not hold the facts it used in a form this Admit reads"
        case .opensNoLecture(let seq): "decision #\(seq) opens no lecture"
        case .decisionInSeveralChains(let seq, let writers):
            "decision numbers count per writer on PostgreSQL, and writers \(writers.map { "'\($0)'" }.joined(separator: ", ")) "
                + "each have a #\(seq): name one, e.g. \(writers[0]):\(seq)"
        case .writerOnSQLite(let id): "'\(id)' names a writer, and a SQLite log has one chain: give the decision's number alone"
        case .postgresOnly(let feature, let path):
            "`admit \(feature)` is for a PostgreSQL database's decision log, partitioned by day; \(path) is a SQLite file, "
                + "whose log is one table (Docs/scaling.md)"
        case .partitionsAhead(let days): "ahead must be from 0 to 366 days, not \(days)"
        case .dropsCurrentDecisions(let day, let today):
            "drop-before \(day) is after today (\(today), UTC): it would drop the decisions being written; give today or an earlier day"
        case .notADecisionID(let text): "'\(text)' is not a decision's number (N, or WRITER:N on PostgreSQL, as check prints it)"
        case .emptyInput(let path, let header): "\(path): the input is empty; a CSV file starts with a header row such as '\(header)'"
        case .malformedHeader(let path, let line, let message, let code):
            "\(path):\(line): error: the header row is malformed: \(message) [\(code)]"
        case .headerProblems(_, let problems) where problems.count == 1:
            problems[0].replacingOccurrences(of: ": error: ", with: ": ")
        case .headerProblems(let path, let problems):
            "\(path): the header row has \(problems.count) problems:\n" + problems.joined(separator: "\n")
        case .problems(_, let problems) where problems.count == 1: problems[0]
        case .problems(let path, let problems): "\(path): \(problems.count) problems:\n" + problems.joined(separator: "\n")
        case .emptyFile(let path, let header): "\(path):1: error: the file is empty; it starts with the header row '\(header)'"
        case .noManifest(let path, let archive):
            "\(path): error: the \(archive ? "archive" : "package") has no manifest.csv; a OneRoster package starts with one"
        case .rosterNotAPath(let name): "\(name): a OneRoster package is a folder or a .zip, not a stream: give its path"
        case .rosterWithPackage(let path): "\(path): a OneRoster package enrols through its classes and --class-map, not --package"
        case .formatNotForReport(let format, let report): "--format \(format) is for \(report)"
        }
    }
}

/// Where no policy, or no policy test, was found.
public enum PolicyMissing: Sendable, Hashable, CustomStringConvertible {
    /// No `*.policy` file in `paths`; `testsFound` when there were `*.tests` files there.
    case noPolicyFile(paths: [String], testsFound: Bool)
    /// No `*.tests` file in `paths`.
    case noTestsFile(paths: [String])
    /// No policy folder at `paths`, and the database has no policy version yet.
    case noPolicy(paths: [String])

    public var description: String {
        switch self {
        case .noPolicyFile(let paths, let testsFound):
            "no *.policy file in \(paths.joined(separator: ", "))"
                + (testsFound ? "; tests run against policies: name the *.policy files too, or their folder" : "")
        case .noTestsFile(let paths): "no *.tests file in \(paths.joined(separator: ", "))"
        case .noPolicy(let paths):
            "no policy: '\(paths.joined(separator: ", "))' not found and the database has none yet; pass --policies PATH"
        }
    }
}
