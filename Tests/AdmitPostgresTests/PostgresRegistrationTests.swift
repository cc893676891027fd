import Admit
import AdmitCSV
import AdmitDomain
import AdmitPostgres
import AdmitStore
import AdmitTestSupport
import Foundation
import Synchronization
import Testing

/// `admit register` on both stores (in `PostgresAdmissionTests`, which runs its tests one at a
/// time): the same rows give the same users, enrolments and counts; on PostgreSQL the users a
/// few hundred rows name are read in one statement, so these files cross those batches and the
/// chunks' commits at odd places.
extension PostgresAdmissionTests {
    /// `count` new users, then a row repeating the address of the 6th, one that is not an
    /// address, and one taking the external id of the 8th.
    static func usersCSV(_ count: Int, name: (Int) -> String = { "User \($0)" }) -> String {
        var text = "email,name,profession,country,external_id\n"
        for index in 0..<count { text += "new\(index)@example.org,\(name(index)),radiologist,AT,sis-\(index)\n" }
        text += "NEW5@Example.org,Again,radiologist,AT,\nnot-an-address,X,radiologist,AT,\nother@example.org,Other,radiologist,AT,sis-7\n"
        return text
    }

    @Test(arguments: StoreKind.allCases)
    func registerCreatesUpdatesAndEnrolsAlikeOnBothStores(_ kind: StoreKind) async throws {
        try await AdmissionPlace.with(kind) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            let csv = place.directory + "/users.csv"
            try Self.usersCSV(1_203).write(toFile: csv, atomically: true, encoding: .utf8)
            var options = RegistrationOptions(package: "idor-2020", chunkSize: 700)
            options.at = instant("2020-11-15T12:00:00+01:00")
            let first = try admission.register(file: csv, options: options, rejectsFile: place.directory + "/rejects.csv")
            #expect(first.rows == 1_206 && first.created == 1_203 && first.updated == 0 && first.unchanged == 0 && first.rejected == 3)
            #expect(first.committed)
            let enrolments = try #require(first.enrolments)
            #expect(enrolments.enrolled == 1_203 && enrolments.alreadyEnrolled == 0 && enrolments.refused == 0)
            let earlier = kind == .postgres ? "on line 7" : "by an earlier row"
            #expect(
                first.diagnostics == [
                    "\(csv):1205: error: email: new5@example.org was already given \(earlier) of this input (after normalisation); "
                        + "a person may appear once [duplicate-in-file]",
                    "\(csv):1206: error: email: email address 'not-an-address' must contain exactly one '@' [invalid-value]",
                    "\(csv):1207: error: external_id: external id 'sis-7' already belongs to new7@example.org [external-id-taken]",
                ])
            // The registered users are known at once, enrolled from the given instant.
            let checked = try admission.check(
                user: "new1202@example.org", lecture: "idor-2020-01", at: instant("2020-11-20T23:59:59+01:00"))
            #expect(checked.decision.isAllowed)
            #expect(checked.user.externalID == "sis-1202")
            #expect(
                try !admission.check(user: "new3@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T11:59:59+01:00")).decision
                    .isAllowed)

            // Again: every user found as they are, every enrolment already there; nothing written but the batch.
            let again = try admission.register(file: csv, options: options)
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == 1_203 && again.rejected == 3)
            #expect(again.enrolments?.alreadyEnrolled == 1_203 && again.enrolments?.enrolled == 0)

            // In one atomic run: a rename, external ids let go of and taken by another user (a new
            // one, and one with a lower id) in the same few rows, and a row with nothing new.
            try """
            email,name,profession,external_id
            new0@example.org,Renamed,,sis-moved
            moved@example.org,Moved In,radiologist,sis-0
            new3@example.org,,,sis-3b
            new2@example.org,,,sis-3
            new4@example.org,User 4,,

            """.write(toFile: csv, atomically: true, encoding: .utf8)
            var atomic = RegistrationOptions()
            atomic.atomic = true
            let changed = try admission.register(file: csv, options: atomic)
            #expect(changed.updated == 3 && changed.created == 1 && changed.unchanged == 1 && changed.rejected == 0, "\(changed)")
            #expect(changed.committed)
            #expect(try admission.check(user: "moved@example.org", lecture: "idor-2020-01").user.externalID == "sis-0")
            #expect(try admission.check(user: "new2@example.org", lecture: "idor-2020-01").user.externalID == "sis-3")
            #expect(try admission.check(user: "new3@example.org", lecture: "idor-2020-01").user.externalID == "sis-3b")
            #expect(try admission.check(user: "new0@example.org", lecture: "idor-2020-01").factsVersion == 3, "created, enrolled, renamed")
            let verification = try admission.verifyAudit()
            #expect(verification.isIntact, "\(verification)")
            if kind == .postgres {
                try await place.expectEveryChainIntact(writers: 1)
                #expect(try await place.integer("SELECT count(*) FROM users") == 4 + 1_203 + 1)
                #expect(try await place.integer("SELECT count(*) FROM enrolments WHERE batch_id = 1") == 1_203)
                #expect(try await place.integer("SELECT count(*) FROM import_batches WHERE status = 'completed'") == 3)
            }
        }
    }

    @Test func aDryRunAnAtomicRunWithARejectAndAFailedChunkLeaveNothingHalfWrittenOnPostgres() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            let csv = place.directory + "/users.csv"
            try Self.usersCSV(700).write(toFile: csv, atomically: true, encoding: .utf8)
            var dry = RegistrationOptions()
            dry.dryRun = true
            let dryRun = try admission.register(file: csv, options: dry)
            #expect(dryRun.created == 700 && !dryRun.committed)
            var atomic = RegistrationOptions()
            atomic.atomic = true
            let refused = try admission.register(file: csv, options: atomic)
            #expect(refused.rejected == 3 && !refused.committed)
            #expect(try await place.integer("SELECT count(*) FROM users") == 4, "neither wrote a user")
            #expect(try await place.integer("SELECT count(*) FROM audit_changes WHERE kind = 1") == 4)

            // An input that cannot be read past its 2,700th row (a disk or a pipe failing), in chunks
            // of 1,600: the first chunk committed; of the second, 500 rows written in its
            // transaction and 500 applied, none committed; the batch failed. The whole file again
            // completes it as one clean run would have.
            var text = "email,name,profession\n"
            for index in 0..<2_700 { text += "late\(index)@example.org,Late \(index),radiographer\n" }
            let readable = Array(text.utf8).count
            text += "late-last@example.org,Late,radiographer\n"
            let chunked = RegistrationOptions(chunkSize: 1_600)
            #expect(throws: AdmitError.self) {
                try admission.register(
                    bytes: FailingBytes(Array(text.utf8), failAfter: readable), name: "late.csv", format: .csv, options: chunked)
            }
            #expect(try await place.integer("SELECT count(*) FROM users WHERE email LIKE 'late%'") == 1_600)
            let failed = try await place.integer("SELECT count(*) FROM import_batches WHERE status = 'failed'")
            #expect(failed == 2, "the atomic run's and this one")
            let mended = try admission.register(bytes: MemoryByteSource(text), name: "late.csv", format: .csv, options: chunked)
            #expect(mended.created == 1_101 && mended.unchanged == 1_600 && mended.rejected == 0)
            #expect(try await place.integer("SELECT count(*) FROM users WHERE email LIKE 'late%'") == 2_701)
            #expect(try admission.verifyAudit().isIntact)
            try await place.expectEveryChainIntact(writers: 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aOneRosterPackageRegistersAlikeOnBothStores(_ kind: StoreKind) async throws {
        try await AdmissionPlace.with(kind) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            let roster = place.directory + "/roster"
            try FileManager.default.createDirectory(atPath: roster, withIntermediateDirectories: true)
            var manifest = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
            for file in [
                "academicSessions", "categories", "classes", "classResources", "courses", "courseResources", "demographics", "enrollments",
                "lineItems", "orgs", "resources", "results", "users",
            ] {
                manifest += "file.\(file),\(["classes", "enrollments", "users"].contains(file) ? "bulk" : "absent")\n"
            }
            let files = [
                "manifest.csv": manifest + "source.systemName,Test SIS\nsource.systemCode,test\n",
                "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
                    + "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
                    + "u1,,,true,org1,student,bea,,Bea,Meier,,,bea@example.org,,,,,\n"
                    + "u2,,,true,org1,teacher,carl,,Carl,Roth,,,carl@example.org,,,,,\n",
                "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
                    + "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
                    + "c1,,,IDoR 2020 webinar,,course1,,scheduled,,org1,term1,,,\n",
                "enrollments.csv":
                    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
                    + "e1,,,c1,org1,u1,student,false,2020-11-10,\n" + "e2,,,c1,org1,u2,teacher,true,2020-11-08,2020-11-12\n"
                    + "e3,,,c1,org1,u9,student,false,2020-11-08,\n",
            ]
            for (name, text) in files { try text.write(toFile: roster + "/" + name, atomically: true, encoding: .utf8) }
            let map = ClassMap(["c1": PackageID("idor-2020")])
            var options = RegistrationOptions()
            options.force = true
            let summary = try admission.register(oneRoster: roster, classMap: map, options: options)
            #expect(summary.created == 2 && summary.rejected == 1)
            #expect(summary.roster?.enrolled == 2 && summary.roster?.withdrawn == 1)
            #expect(
                summary.diagnostics == ["enrollments.csv:4: error: userSourcedId: user 'u9' is in no row of users.csv [unknown-reference]"])
            // Whole days in Vienna: Bea from 10 November on; Carl from the 8th to the end of the 12th.
            #expect(
                try admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-10T00:00:00+01:00")).decision
                    .isAllowed)
            #expect(
                try !admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-09T23:59:59.999+01:00"))
                    .decision.isAllowed)
            #expect(
                try admission.check(user: "carl@example.org", lecture: "idor-2020-01", at: instant("2020-11-12T23:59:59.999+01:00"))
                    .decision.isAllowed)
            #expect(
                try !admission.check(user: "carl@example.org", lecture: "idor-2020-01", at: instant("2020-11-13T00:00:00+01:00")).decision
                    .isAllowed)
            let again = try admission.register(oneRoster: roster, classMap: map, options: options)
            #expect(again.created == 0 && again.unchanged == 2 && again.roster?.unchanged == 2 && again.roster?.enrolled == 0)
            // The next export ends Bea's enrolment (made by the first run) on the 14th.
            try files["enrollments.csv"]!.replacingOccurrences(
                of: "e1,,,c1,org1,u1,student,false,2020-11-10,", with: "e1,,,c1,org1,u1,student,false,2020-11-10,2020-11-14"
            )
            .write(toFile: roster + "/enrollments.csv", atomically: true, encoding: .utf8)
            let ended = try admission.register(oneRoster: roster, classMap: map, options: options)
            #expect(ended.roster?.withdrawn == 1 && ended.roster?.unchanged == 1)
            #expect(
                try admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-14T23:59:59.999+01:00")).decision
                    .isAllowed)
            #expect(
                try !admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T00:00:00+01:00")).decision
                    .isAllowed)
            #expect(try admission.verifyAudit().isIntact)
        }
    }

    @Test func theServicesRegisterOnPostgresAnswersEachElementAndTheReplicaSeesTheUsers() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let a = try place.open(writer: "replica-a")
            let b = try place.open(writer: "replica-b")
            defer {
                a.close()
                b.close()
            }
            try a.holdFactsInMemory()
            try b.holdFactsInMemory()
            var outcomes: [RegistrationRowResult.Outcome] = []
            let summary = try a.register(
                json: [
                    ["email": "svc1@example.org", "name": "Service One", "profession": "radiologist"],
                    ["email": "svc2@example.org", "name": "Service Two", "profession": "radiographer"], "not an object",
                    ["email": "ada@example.org", "name": "Ada Renamed"],
                ], options: RegistrationOptions(package: "idor-2020", at: instant("2020-11-15T12:00:00+01:00"))
            ) { outcomes.append($0.outcome) }
            #expect(outcomes == [.created, .created, .rejected, .updated])
            #expect(summary.enrolments?.enrolled == 2 && summary.enrolments?.alreadyEnrolled == 1)
            // Another replica answers for the new users at its next check.
            #expect(try b.check(user: "svc2@example.org", lecture: "idor-2020-04").decision.isAllowed)
            #expect(try b.check(user: "ada@example.org", lecture: "idor-2020-04").factsVersion > 2, "ada's renaming is a new version")
            #expect(try await place.integer("SELECT count(*) FROM users WHERE name = 'Ada Renamed'") == 1)
            try await place.expectEveryChainIntact(writers: 2)
        }
    }
}

extension RegistrationSummary {
    /// The kept rejects as compiler-style lines.
    fileprivate var diagnostics: [String] { firstRejects.map { $0.diagnostic(path: source) } }
}

/// Bytes that can be read up to `failAfter`, and then fail as a disk or a broken pipe does.
private struct FailingBytes: ByteSource {
    struct ReadFailed: Error {}
    let bytes: [UInt8]
    let failAfter: Int
    var position = 0

    init(_ bytes: [UInt8], failAfter: Int) {
        self.bytes = bytes
        self.failAfter = failAfter
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard position < failAfter else { throw ReadFailed() }
        let count = min(buffer.count, failAfter - position, 4_096)
        bytes[position..<(position + count)].withUnsafeBytes { buffer.copyMemory(from: $0) }
        position += count
        return count
    }
}

extension PostgresAdmissionTests {
    @Test func aReplicaEnrollingUsersWhileAnImportEnrolsThemMakesOneEnrolmentEach() async throws {
        try await AdmissionPlace.with(.postgres, extraUsers: 40) { place in
            let importer = try place.open(writer: "importer")
            let replica = try place.open(writer: "replica")
            defer {
                importer.close()
                replica.close()
            }
            // 3,000 new users with the 40 existing ones among them, all enrolled by the import,
            // while the replica enrols the same 40 one by one.
            var text = "email,name,profession\n"
            for index in 0..<3_000 {
                text += "crowd\(index)@example.org,Crowd \(index),radiographer\n"
                if index % 75 == 0 { text += "user\(index / 75)@example.org,User \(index / 75),radiologist\n" }
            }
            let csv = place.directory + "/crowd.csv"
            try text.write(toFile: csv, atomically: true, encoding: .utf8)
            let imported = Mutex<Result<RegistrationSummary, AdmitError>?>(nil)
            // The importer is used by this thread only until it is joined.
            nonisolated(unsafe) let importing = importer
            let thread = TestThread {
                let result = Result { () throws(AdmitError) in
                    try importing.register(file: csv, options: RegistrationOptions(package: "idor-2020", chunkSize: 600))
                }
                imported.withLock { $0 = result }
            }
            var enrolledByReplica = 0
            for index in 0..<40 where try replica.enrol(user: "user\(index)@example.org", package: "idor-2020").result == .enrolled {
                enrolledByReplica += 1
            }
            thread.join()
            let summary = try #require(try imported.withLock { $0 }?.get())
            #expect(summary.created == 3_000 && summary.unchanged == 40 && summary.rejected == 0)
            let enrolments = try #require(summary.enrolments)
            #expect(enrolments.enrolled == 3_000 + (40 - enrolledByReplica) && enrolments.alreadyEnrolled == enrolledByReplica)
            #expect(
                try await place.integer("SELECT count(*) FROM enrolments WHERE user_id IN (SELECT id FROM users WHERE email LIKE 'user%')")
                    == 40)
            #expect(try importer.verifyAudit().isIntact)
            try await place.expectEveryChainIntact(writers: 2)
        }
    }
}
