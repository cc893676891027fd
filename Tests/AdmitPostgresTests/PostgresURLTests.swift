import AdmitPostgres
import Testing

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("a full URL gives its parts")
    func fullURL() throws {
        let url = try PostgresURL(parsing: "postgresql://admit:s3cret@db.example.org:5433/admit_prod")
        #expect(url == PostgresURL(host: "db.example.org", port: 5433, user: "admit", password: "s3cret", database: "admit_prod"))
        #expect(url.description == "postgresql://admit@db.example.org:5433/admit_prod")
    }

    @Test("postgres:// is accepted, percent-escapes are decoded, an IPv6 host is bracketed")
    func variants() throws {
        let url = try PostgresURL(parsing: "postgres://ad%40min:p%2Fw%3A@[::1]:5432/my%20db")
        #expect(url == PostgresURL(host: "::1", port: 5432, user: "ad@min", password: "p/w:", database: "my db"))
        #expect(url.description == "postgresql://ad@min@[::1]:5432/my db")
    }

    @Test("without a password in the URL, PGPASSWORD gives it; the URL's wins over it")
    func passwordFromEnvironment() throws {
        let fromEnvironment = try PostgresURL(parsing: "postgresql://admit@127.0.0.1:5432/a", environment: ["PGPASSWORD": "env"])
        #expect(fromEnvironment.password == "env")
        let none = try PostgresURL(parsing: "postgresql://admit@127.0.0.1:5432/a", environment: [:])
        #expect(none.password == nil)
        let inURL = try PostgresURL(parsing: "postgresql://admit:url@127.0.0.1:5432/a", environment: ["PGPASSWORD": "env"])
        #expect(inURL.password == "url")
    }

    @Test(
        "a text that is not a URL is refused, naming what is wrong",
        arguments: [
            ("mysql://u@h:1/d", PostgresStoreError.URLProblem.scheme),
            ("./admit.sqlite", .scheme),
            ("postgresql://h:5432/d", .user),
            ("postgresql://u@:5432/d", .host),
            ("postgresql://u@h/d", .port("")),
            ("postgresql://u@h:/d", .port("")),
            ("postgresql://u@h:70000/d", .port("70000")),
            ("postgresql://u@h:54x/d", .port("54x")),
            ("postgresql://u@h:5432", .database),
            ("postgresql://u@h:5432/", .database),
            ("postgresql://u%zz@h:5432/d", .encoding),
            ("postgresql://u@h:5432/d?sslmode=require", .parameters),
        ])
    func badURL(text: String, problem: PostgresStoreError.URLProblem) {
        #expect(throws: PostgresStoreError.invalidURL(text: text, problem: problem)) {
            try PostgresURL(parsing: text)
        }
    }

    @Test("the scheme is read in any case, as URL schemes are")
    func schemeCase() throws {
        #expect(PostgresURL.isPostgresURL("POSTGRESQL://u@h:1/d"))
        #expect(PostgresURL.isPostgresURL("Postgres://u@h:1/d"))
        #expect(!PostgresURL.isPostgresURL("postgresq://u@h:1/d"))
        #expect(
            try PostgresURL(parsing: "POSTGRESQL://u:p@h:1/d") == PostgresURL(host: "h", port: 1, user: "u", password: "p", database: "d"))
    }

    @Test("a password given as a parameter is masked too")
    func parameterPasswordMasked() {
        #expect(
            PostgresURL.masked("postgresql://u@h:1/d?sslmode=require&Password=topsecret&x=1")
                == "postgresql://u@h:1/d?sslmode=require&Password=***&x=1")
        #expect(PostgresURL.masked("postgresql://u:a@h:1/d?password=b") == "postgresql://u:***@h:1/d?password=***")
        #expect(throws: PostgresStoreError.invalidURL(text: "postgresql://u@h:1/d?password=***", problem: .parameters)) {
            try PostgresURL(parsing: "postgresql://u@h:1/d?password=topsecret")
        }
    }

    @Test("a refused URL does not show its password")
    func passwordMasked() {
        #expect(throws: PostgresStoreError.invalidURL(text: "postgresql://u:***@h:5432", problem: .database)) {
            try PostgresURL(parsing: "postgresql://u:topsecret@h:5432")
        }
        let error = PostgresStoreError.invalidURL(text: "postgresql://u:***@h:5432", problem: .database)
        #expect(error.description == "'postgresql://u:***@h:5432' is not a PostgreSQL URL: it names no database (…/DB at the end)")
    }
}
