import AdmitDomain
import AdmitStore

/// One registration: reads rows from a source, applies each in the store, counts outcomes.
///
/// Crash safety comes from two properties together. Rows are applied in chunks, each one
/// transaction holding the rows' changes, their audit rows and the batch's running counts, so a
/// kill at any moment loses at most the chunk in flight, whole. And applying a row is
/// idempotent: a row whose user already has the given values is `unchanged` and writes nothing,
/// an enrolment that exists is not made again. Running the same file again after a kill
/// therefore finds the committed chunks unchanged and applies the rest: the same users and
/// enrolments as one clean run (their timestamps aside).
final class RegistrationRun {
    private let admission: Admission
    private let store: any Storage
    private let options: RegistrationOptions
    private let package: Package?
    private let rejects: RejectsFile?
    private let progress: ((RegistrationProgress) -> Void)?
    private let observe: ((RegistrationRowResult) -> Void)?
    private let actor: String
    private let startedAt: Instant
    private let enrolAt: Instant
    private var now: Instant
    private var summary: RegistrationSummary
    private var session: (any ImportWriter)?
    /// OneRoster: the first line of each user sourcedId whose row was rejected (for the enrolments that name it).
    private var rejectedRosterUsers: [String: Int] = [:]
    private var rosterPackages: [PackageID: Package] = [:]
    /// The start of a day in a package's zone, by package and day: an export's enrolments share
    /// a few dates, and finding midnight in a zone is a search over its offsets.
    private var dayStarts: [RosterDay: Instant] = [:]
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(
        admission: Admission, source name: String, format: RegistrationFormat?, options: RegistrationOptions, actor: String? = nil,
        rejects: RejectsFile?, progress: ((RegistrationProgress) -> Void)?, observe: ((RegistrationRowResult) -> Void)?
    ) throws(AdmitError) {
        try options.check(format: format)
        self.admission = admission
        store = admission.storage
        self.options = options
        self.rejects = rejects
        self.progress = progress
        self.observe = observe
        package = try options.package.map { id throws(AdmitError) in try admission.package(id) }
        self.actor = actor ?? admission.configuration.actor
        startedAt = admission.clock.now()
        now = startedAt
        enrolAt = options.at ?? startedAt
        start = clock.now
        summary = RegistrationSummary(
            source: name, format: format, sha256: "", bytes: 0, mode: options.modeName, batch: nil, committed: false,
            rejectsFile: rejects?.path)
        if let package { summary.enrolments = .init(package: package.id, at: enrolAt, zone: package.zone) }
        if format == .oneroster { summary.roster = .init() }
    }

    /// Reads every row of `source` and applies it as the options say.
    ///
    /// `sha256` is the input's digest when known before reading (a regular file); otherwise
    /// `digest` gives it after the end. `bytes` reports how much input was read so far.
    func run(
        _ source: inout some RegistrationSource, sha256 known: String?, digest: () -> String?, bytes: () -> Int64, totalBytes: Int64?
    ) throws(AdmitError) -> RegistrationSummary {
        summary.sha256 = known ?? ""
        let batch: Int64? =
            options.dryRun
            ? nil
            : try admission.perform { () throws(StoreError) in
                try store.commitImportStart(
                    fileName: summary.source, sha256: known ?? "",
                    event: EventRecord(
                        recordedAt: startedAt, actor: actor, kind: .importStarted, package: package?.id,
                        at: package == nil ? nil : enrolAt, policyHash: admission.policy.version.hash,
                        detail: AuditDetail.importStarted(
                            source: summary.source, format: summary.format?.rawValue, sha256: known ?? "", options: options)))
            }
        summary.batch = batch
        do {
            let session = try admission.perform { () throws(StoreError) in try store.importWriter(batch: batch, actor: actor) }
            self.session = session
            defer { session.close() }
            try admission.perform { () throws(StoreError) in try session.begin() }
            let commits = !options.atomic && !options.dryRun
            var inChunk = 0
            var ahead: [RegistrationInput] = []
            while true {
                // The rows up to the store's lookahead, never past a commit: the store reads the
                // users they name at once, and what it read stays locked until the commit.
                let room = commits ? min(session.lookahead, options.chunkSize - inChunk) : session.lookahead
                ahead.removeAll(keepingCapacity: true)
                while ahead.count < room, let input = try source.next() { ahead.append(input) }
                if ahead.isEmpty { break }
                if room > 1 {
                    let (emails, externalIDs) = Self.lookupKeys(ahead)
                    try admission.perform { () throws(StoreError) in try session.prepare(emails: emails, externalIDs: externalIDs) }
                }
                for input in ahead {
                    try apply(input, in: session)
                    inChunk += 1
                    if inChunk == options.chunkSize, commits {
                        try admission.perform { () throws(StoreError) in
                            try session.commit(counts: summary.countsJSON)
                            now = admission.clock.now()
                            try session.begin()
                        }
                        inChunk = 0
                    }
                    if summary.rows & 1023 == 0 { report(bytes: bytes(), total: totalBytes) }
                }
            }
            summary.sha256 = known ?? digest() ?? ""
            summary.bytes = bytes()
            if options.dryRun || (options.atomic && !summary.isComplete) {
                session.rollback()
            } else {
                summary.committed = true
                try admission.perform { () throws(StoreError) in try session.commit(counts: summary.countsJSON) }
            }
            try rejects?.finish()
        } catch {
            session?.rollback()
            try? rejects?.finish()
            summary.committed = false
            finish(batch, status: .failed, error: error.description)
            throw error
        }
        summary.elapsed = clock.now - start
        report(bytes: summary.bytes, total: totalBytes)
        try finishOrThrow(batch, status: summary.committed ? .completed : .failed)
        return summary
    }

    // MARK: Rows

    private func apply(_ input: RegistrationInput, in session: any ImportWriter) throws(AdmitError) {
        summary.rows += 1
        var row: RegistrationRow
        var roster: RosterUser?
        switch input.content {
        case .malformed(let reject):
            return try rejected(reject, input)
        case .row(let given):
            row = given
        case .rosterUser(let user):
            guard let resolved = try resolve(user, input) else { return }
            roster = user
            row = resolved
        case .rosterEnrolment(let enrolment):
            return try applyRoster(enrolment, input)
        }
        let email: EmailAddress
        var patch: UserPatch
        do {
            email = try row.validatedEmail()
            patch = try row.patch(email: email)
        } catch {
            if let roster, let conflict = try addressConflict(roster, row) { return try rejected(conflict, input) }
            return try rejected(error, input)
        }
        if let roster {
            patch.defaultProfession = .other
            patch.externalRole = roster.role
        }
        let upsert = try admission.perform { () throws(StoreError) in
            try session.upsert(patch, line: row.line, registeredAt: startedAt, at: now)
        }
        let state: UserState
        let outcome: RegistrationRowResult.Outcome
        switch upsert {
        case .created(let created):
            summary.created += 1
            (state, outcome) = (created, .created)
        case .updated(_, let after):
            summary.updated += 1
            (state, outcome) = (after, .updated)
        case .unchanged(let existing):
            summary.unchanged += 1
            (state, outcome) = (existing, .unchanged)
        case .incomplete(let missing):
            return try rejected(
                RegistrationReject(
                    line: row.line, column: missing.first, rejectClass: .missingValue,
                    message: "\(email) is not registered yet, and a new user needs a \(missing.joined(separator: " and a "))"),
                input)
        case .duplicate(let first):
            if let roster, let conflict = try addressConflict(roster, row) { return try rejected(conflict, input) }
            let earlier = first.map { "on line \($0)" } ?? "by an earlier row"
            return try rejected(
                RegistrationReject(
                    line: row.line, column: RegistrationColumn.email.rawValue, rejectClass: .duplicateInFile,
                    message: "\(email) was already given \(earlier) of this input (after normalisation); a person may appear once"),
                input)
        case .externalIDTaken(let owner):
            if let roster, let conflict = try addressConflict(roster, row) { return try rejected(conflict, input) }
            let id = RegistrationRow.shown(patch.externalID ?? "")
            return try rejected(
                RegistrationReject(
                    line: row.line, column: RegistrationColumn.externalID.rawValue, rejectClass: .externalIDTaken,
                    message: "external id '\(id)' already belongs to " + (owner.map { "\($0)" } ?? "another user")),
                input)
        }
        let user = state.user
        guard let package else {
            observe?(RegistrationRowResult(line: row.line, outcome: outcome, user: user, reject: nil, enrolment: nil, forced: false))
            return
        }
        let (enrolment, forced, refusal) = try enrol(state, in: package, line: row.line)
        if let refusal {
            summary.count(refusal, keep: options.keptRejects)
            try rejects?.write(refusal, original: input.original)
        }
        observe?(RegistrationRowResult(line: row.line, outcome: outcome, user: user, reject: refusal, enrolment: enrolment, forced: forced))
    }

    /// Enrols the user of `state` in `package` at the run's instant if the policy permits it (or `force`).
    private func enrol(_ state: UserState, in package: Package, line: Int) throws(AdmitError) -> (
        RegistrationRowResult.Enrolment, Bool, RegistrationReject?
    ) {
        guard let session else { return (.refused, false, nil) }
        let user = state.user
        if state.currentEnrolment(in: package.id) != nil {
            summary.enrolments?.alreadyEnrolled += 1
            return (.alreadyEnrolled, false, nil)
        }
        let (code, decision) = admission.enrolmentDecision(facts: state.facts, package: package, at: enrolAt)
        let forced = !decision.isAllowed
        if forced, !options.force {
            summary.enrolments?.refused += 1
            let reasons = decision.reasons.map(\.message).joined(separator: "; ")
            let refusal = RegistrationReject(
                line: line, column: nil, rejectClass: .enrolmentRefused,
                message: "\(user.email) is registered, but the policy does not permit enrolling in \(package.id) at "
                    + "\(enrolAt.formatted(in: package.zone))" + (reasons.isEmpty ? "" : ": \(reasons)")
                    + " (--force enrols anyway)")
            return (.refused, false, refusal)
        }
        let enrolment = Enrolment(
            user: user.id, package: package.id, enrolledAt: enrolAt, source: .bulk, forced: forced, accountState: user.account)
        let result = try admission.perform { () throws(StoreError) in
            try session.enrol(
                enrolment, at: now, policyHash: admission.policy.version.hash, overrode: forced ? code.bytes : nil, latest: nil)
        }
        guard case .added = result else {
            summary.enrolments?.alreadyEnrolled += 1
            return (.alreadyEnrolled, false, nil)
        }
        summary.enrolments?.enrolled += 1
        if forced { summary.enrolments?.forced += 1 }
        return (.enrolled, forced, nil)
    }

    private func rejected(_ reject: RegistrationReject, _ input: RegistrationInput) throws(AdmitError) {
        var reject = reject
        if case .rosterUser(let user) = input.content {
            // Registration's words for the columns, in OneRoster's.
            reject.file = reject.file ?? RosterFile.users.fileName
            reject.column = reject.column.map { Self.rosterColumns[$0] ?? $0 }
            rejectedRosterUsers[user.sourcedID] = rejectedRosterUsers[user.sourcedID] ?? reject.line
        }
        summary.rejected += 1
        summary.count(reject, keep: options.keptRejects)
        try rejects?.write(reject, original: input.original)
        observe?(RegistrationRowResult(line: reject.line, outcome: .rejected, user: nil, reject: reject, enrolment: nil, forced: false))
    }

    // MARK: OneRoster

    /// The OneRoster columns that registration's columns come from.
    private static let rosterColumns = [
        RegistrationColumn.name.rawValue: "givenName", RegistrationColumn.externalID.rawValue: "sourcedId",
        RegistrationColumn.account.rawValue: "enabledUser",
    ]

    /// The row of a OneRoster user, its address found by its sourcedId when the row gives none;
    /// nil when it was rejected (or, for a deletion of a user Admit never had, counted unchanged).
    ///
    /// A row that gives an address is not looked up here: its address finds the user, and a
    /// sourcedId that is already the external id of a user with another address stops the row
    /// where it is applied (the users table's unique index refuses it), which then rejects it as
    /// this would have (`addressConflict`). That saves a lookup per new user.
    private func resolve(_ user: RosterUser, _ input: RegistrationInput) throws(AdmitError) -> RegistrationRow? {
        guard let session else { return nil }
        var row = user.row
        if !user.deleted, let text = row.email, !text.trimmingWhitespace().isEmpty { return row }
        let known = try admission.perform { () throws(StoreError) in try session.userReference(externalID: user.sourcedID) }
        let id = RegistrationRow.shown(user.sourcedID)
        guard let text = row.email, !text.trimmingWhitespace().isEmpty else {
            guard let known else {
                if user.deleted {
                    summary.unchanged += 1
                    return nil
                }
                try rejected(
                    RegistrationReject(
                        line: row.line, column: "email", rejectClass: .missingValue,
                        message: "the user has no email address (neither email nor a username that is one), and no Admit user has "
                            + "sourcedId '\(id)'; Admit knows users by address"),
                    input)
                return nil
            }
            row.email = known.email.normalized
            return row
        }
        if known != nil, let conflict = try addressConflict(user, row) {
            try rejected(conflict, input)
            return nil
        }
        return row
    }

    /// The reject for a OneRoster user's row whose sourcedId is the external id of an Admit user
    /// with another address than the row's; nil when it is not (or the row's address is not one).
    private func addressConflict(_ user: RosterUser, _ row: RegistrationRow) throws(AdmitError) -> RegistrationReject? {
        guard let session, let text = row.email, let given = try? EmailAddress(text) else { return nil }
        guard let known = try admission.perform({ () throws(StoreError) in try session.userReference(externalID: user.sourcedID) }),
            given.normalized != known.email.normalized
        else { return nil }
        return RegistrationReject(
            line: row.line, column: "email", rejectClass: .externalIDTaken,
            message: "sourcedId '\(RegistrationRow.shown(user.sourcedID))' is \(known.email)'s, and the row gives \(given); "
                + "Admit does not change a user's address")
    }

    /// The instant `day` begins in `package`'s zone (`Zone.startOfDay`), remembered.
    private func startOfDay(_ day: LocalDate, in package: Package) -> Instant {
        let key = RosterDay(package: package.id, day: day)
        if let known = dayStarts[key] { return known }
        let start = package.zone.startOfDay(day)
        if dayStarts.count >= 4096 { dayStarts.removeAll(keepingCapacity: true) }
        dayStarts[key] = start
        return start
    }

    /// Applies a OneRoster enrolment: enrols (under the policy, as `--package` does), withdraws
    /// at `endDate` or for `tobedeleted`, or finds it already so.
    private func applyRoster(_ given: RosterEnrolment, _ input: RegistrationInput) throws(AdmitError) {
        guard let session else { return }
        func reject(_ column: String?, _ rejectClass: RejectClass, _ message: String) throws(AdmitError) {
            try rejected(
                RegistrationReject(
                    line: given.line, column: column, rejectClass: rejectClass, message: message, file: RosterFile.enrollments.fileName),
                input)
        }
        guard let packageID = given.package else {
            summary.roster?.unmapped += 1
            return
        }
        var userID: String { RegistrationRow.shown(given.userSourcedID) }
        // The user's latest state, found by sourcedId in one statement.
        let latest = try admission.perform { () throws(StoreError) in try session.userState(externalID: given.userSourcedID) }
        let found: UserReference?
        if let latest {
            found = latest.user.reference
        } else {
            found = try admission.perform { () throws(StoreError) in try session.userReference(externalID: given.userSourcedID) }
        }
        guard let user = found else {
            if let line = rejectedRosterUsers[given.userSourcedID] {
                return try reject("userSourcedId", .unknownReference, "user '\(userID)' was rejected (users.csv line \(line))")
            }
            return try reject(
                "userSourcedId", .unknownReference,
                "user '\(userID)' is in no row of users.csv" + (given.usersInFile ? "" : ", and no Admit user has that sourcedId"))
        }
        if given.usersInFile, try !admission.perform({ () throws(StoreError) in try session.hasApplied(user.id) }) {
            if let line = rejectedRosterUsers[given.userSourcedID] {
                return try reject("userSourcedId", .unknownReference, "user '\(userID)' was rejected (users.csv line \(line))")
            }
            return try reject(
                "userSourcedId", .unknownReference,
                "user '\(userID)' is in no row of users.csv (Admit has the sourcedId as \(user.email), but a bulk users.csv lists every user)"
            )
        }
        let package: Package
        if let cached = rosterPackages[packageID] {
            package = cached
        } else {
            package = try admission.package(packageID.rawValue)
            rosterPackages[packageID] = package
        }
        guard let state = latest else {
            throw .database(StoreError(.noState(user: user.id.rawValue, email: "\(user.email)"), path: store.location))
        }
        let zone = package.zone
        let start = given.begin.map { startOfDay($0, in: package) } ?? enrolAt
        let end = given.end.map { startOfDay($0.nextDay, in: package) }
        func withdraw(at instant: Instant) throws(AdmitError) {
            _ = try admission.perform { () throws(StoreError) in try session.withdraw(user: user.id, from: packageID, at: instant, now: now)
            }
            summary.roster?.withdrawn += 1
        }
        let current = state.currentEnrolment(in: packageID)
        if given.deleted {
            guard let current else {
                summary.roster?.unchanged += 1
                return
            }
            return try withdraw(at: max(enrolAt, current.enrolledAt))
        }
        if let current {
            guard let end else {
                summary.roster?.unchanged += 1
                return
            }
            guard end > current.enrolledAt else {
                return try reject(
                    "endDate", .enrolmentConflict,
                    "the enrolment ends on \(given.end.map(\.description) ?? ""), but \(user.email)'s enrolment in \(packageID) began at "
                        + "\(current.enrolledAt.formatted(in: zone))")
            }
            return try withdraw(at: end)
        }
        if let same = state.enrolments.last(where: { $0.package == packageID && $0.enrolledAt == start }) {
            if same.withdrawnAt == end {
                summary.roster?.unchanged += 1
                return
            }
            return try reject(
                "endDate", .enrolmentConflict,
                "\(user.email)'s enrolment in \(packageID) from \(start.formatted(in: zone)) was withdrawn at "
                    + "\(same.withdrawnAt.map { $0.formatted(in: zone) } ?? "")"
                    + "; Admit does not reopen a withdrawn enrolment (admit enrol enrols again)")
        }
        if let end, end <= start {
            return try reject(
                "endDate", .invalidValue,
                "the enrolment ended on \(given.end.map(\.description) ?? ""), before it would begin at \(start.formatted(in: zone)) "
                    + "(the import's instant: give a beginDate)")
        }
        let (code, decision) = admission.enrolmentDecision(facts: state.facts, package: package, at: start)
        let forced = !decision.isAllowed
        if forced, !options.force {
            summary.roster?.refused += 1
            let reasons = decision.reasons.map(\.message).joined(separator: "; ")
            return try reject(
                nil, .enrolmentRefused,
                "the policy does not permit enrolling \(user.email) in \(packageID) at \(start.formatted(in: zone))"
                    + (reasons.isEmpty ? "" : ": \(reasons)") + " (--force enrols anyway)")
        }
        let enrolment = Enrolment(
            user: user.id, package: packageID, enrolledAt: start, source: .bulk, forced: forced, accountState: state.user.account)
        let result = try admission.perform { () throws(StoreError) in
            try session.enrol(
                enrolment, at: now, policyHash: admission.policy.version.hash, overrode: forced ? code.bytes : nil, latest: state)
        }
        guard case .added = result else {
            summary.roster?.unchanged += 1
            return
        }
        summary.roster?.enrolled += 1
        if forced { summary.roster?.forced += 1 }
        if let end { try withdraw(at: end) }
    }

    /// The addresses and external ids that `inputs` name, for `ImportWriter.prepare`.
    private static func lookupKeys(_ inputs: [RegistrationInput]) -> ([EmailAddress], [String]) {
        var emails: [EmailAddress] = []
        var externalIDs: [String] = []
        emails.reserveCapacity(inputs.count)
        func add(_ row: RegistrationRow) {
            if let text = row.email, let email = try? EmailAddress(text) { emails.append(email) }
            if let id = row.externalID?.trimmingWhitespace(), !id.isEmpty { externalIDs.append(id) }
        }
        for input in inputs {
            switch input.content {
            case .malformed: break
            case .row(let row): add(row)
            case .rosterUser(let user):
                add(user.row)
                externalIDs.append(user.sourcedID)
            case .rosterEnrolment(let enrolment): externalIDs.append(enrolment.userSourcedID)
            }
        }
        return (emails, externalIDs)
    }

    // MARK: Batch

    private func report(bytes: Int64, total: Int64?) {
        progress?(RegistrationProgress(rows: summary.rows, bytes: bytes, totalBytes: total, elapsed: clock.now - start))
    }

    private func finishOrThrow(_ batch: Int64?, status: ImportBatch.Status, error: String? = nil) throws(AdmitError) {
        guard let batch else { return }
        let end = admission.clock.now()
        let counts = summary.countsJSON
        try admission.perform { () throws(StoreError) in
            try store.commitImportEnd(
                batch, status: status, sha256: summary.sha256, counts: counts,
                event: EventRecord(
                    recordedAt: end, actor: actor, kind: .importFinished,
                    detail: AuditDetail.importFinished(status: status.rawValue, sha256: summary.sha256, counts: counts, error: error)))
        }
    }

    /// Best effort after an error: the error that stopped the run matters more than this one.
    private func finish(_ batch: Int64?, status: ImportBatch.Status, error: String) {
        try? finishOrThrow(batch, status: status, error: error)
    }
}

/// A day in a package's zone (a key of `RegistrationRun.dayStarts`).
private struct RosterDay: Hashable {
    var package: PackageID
    var day: LocalDate
}
