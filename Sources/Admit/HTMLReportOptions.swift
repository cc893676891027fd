import AdmitDomain

/// What an HTML report shows besides its data: the policy's windows, the policy version, and
/// when it was made (only when given: the same data and options give the same bytes).
public struct HTMLReportOptions: Sendable {
    /// The windows to show and to mark on the charts (`admission.policy.set.windows`).
    public var windows: [AccessWindow]
    /// The policy version the windows come from, named in the footer.
    public var policy: PolicyVersion?
    /// When the report was made, named in the footer; nil leaves it out.
    public var generatedAt: Instant?
    /// Rows of a breakdown (by country, …) shown before one row sums up the rest.
    public var topRows: Int

    public init(windows: [AccessWindow] = [], policy: PolicyVersion? = nil, generatedAt: Instant? = nil, topRows: Int = 20) {
        self.windows = windows
        self.policy = policy
        self.generatedAt = generatedAt
        self.topRows = max(1, topRows)
    }

    /// Each window's finite edges, labelled `free opens` / `free closes`, in window order.
    var edgeInstants: [(instant: Instant, label: String)] {
        windows.flatMap { window in
            [(window.span.start, "\(window.name) opens"), (window.span.end, "\(window.name) closes")].filter {
                $0.0 != .min && $0.0 != .max
            }
        }
    }

    /// The windows as a table: name, declared zone, opening and (exclusive) closing instants in
    /// `zone` and in UTC, and whether each edge is marked on the chart that starts at `first`.
    func windowTable(zone: Zone, chart: (first: LocalDate, days: Int)?) -> String {
        guard !windows.isEmpty else { return "<p class=\"none\">The policy defines no windows.</p>" }
        func onChart(_ instant: Instant) -> Bool {
            guard let chart else { return false }
            return !HTMLDayChart.edges([(instant, "")], first: chart.first, days: chart.days, zone: zone).isEmpty
        }
        func edge(_ instant: Instant, unbounded: String) -> String {
            guard instant != .min, instant != .max else { return "<span class=\"none\">\(unbounded)</span>" }
            return HTMLPage.time(instant, in: zone) + (onChart(instant) ? "" : "<br><span class=\"note\">(not on the chart)</span>")
        }
        var out =
            "<p class=\"note\">Times in \(HTMLPage.escape(zone.identifier)), with UTC below. A window is open from its opening "
            + "instant up to, but not including, its closing one.</p>\n"
        out += "<div class=\"scroll\"><table class=\"windows\" id=\"windows\">\n"
        out +=
            "<thead><tr><th scope=\"col\">window</th><th scope=\"col\">written in</th><th scope=\"col\">opens</th>"
            + "<th scope=\"col\">closes (exclusive)</th></tr></thead>\n<tbody>\n"
        for window in windows {
            out +=
                "<tr><th scope=\"row\"><code>\(HTMLPage.escape(window.name))</code></th><td>\(HTMLPage.escape(window.zone.identifier))</td>"
                + "<td>\(edge(window.span.start, unbounded: "always"))</td><td>\(edge(window.span.end, unbounded: "never"))</td></tr>\n"
        }
        return out + "</tbody>\n</table></div>"
    }

    /// The footer: the policy version and when the report was made, when known.
    func footer(command: String, zone: Zone) -> String {
        var parts = ["Made by <code>\(HTMLPage.escape(command))</code>"]
        if let policy { parts.append("policy <code title=\"\(HTMLPage.escape(policy.hash))\">\(HTMLPage.escape(policy.short))</code>") }
        if let generatedAt { parts.append("at <time>\(HTMLPage.escape(generatedAt.formatted(in: zone)))</time>") }
        return "<footer><p>\(parts.joined(separator: " · ")).</p></footer>"
    }
}

extension Admission {
    /// The options for an HTML report under the loaded policy: its windows and its version.
    public var htmlReportOptions: HTMLReportOptions {
        HTMLReportOptions(windows: policy.set.windows, policy: policy.version)
    }
}
