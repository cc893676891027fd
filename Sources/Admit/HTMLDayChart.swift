import AdmitDomain

/// A bar chart with one bar per calendar day, as inline SVG, with window edges as dashed lines.
///
/// Every day of the chart's span has exactly one element of class `bar` (a day without any count
/// too, with height 0), carrying `data-day` and its counts in `data-` attributes, so a browser
/// check can count the bars in the DOM. The SVG itself has `data-days`, the number of days drawn.
struct HTMLDayChart {
    /// The first day drawn.
    var first: LocalDate
    /// Per day drawn, from `first`: the stacked values, bottom first (one per series).
    let stacks: [[Int64]]
    /// The series, bottom first: CSS class, `data-` attribute name and the word for one in a tooltip.
    var series: [(cssClass: String, attribute: String, noun: String)]
    /// Window edges that fall in the span: position in days from the start of `first` (0…days), and labels.
    var edges: [Edge]
    /// The element id (unique in the page).
    var id: String
    /// What the chart shows, for screen readers.
    var label: String

    struct Edge: Equatable {
        var position: Double
        var labels: [String]
    }

    /// The most days a chart draws; a span longer than this is cut after that many days.
    static let maximumDays = 731

    var days: Int { stacks.count }

    // Geometry, in SVG user units.
    static let width = 720.0
    static let right = 14.0
    static let top = 36.0
    static let plotHeight = 190.0
    static let bottom = 24.0
    static var height: Double { top + plotHeight + bottom }
    /// The left margin, wide enough for the largest value on either chart's axis (the running
    /// total's), so that the bars and the cumulative line of the same days line up: about 9.5
    /// units a character at the 16px labels of a narrow window, at least 46.
    let left: Double

    init(
        first: LocalDate, stacks: [[Int64]], series: [(cssClass: String, attribute: String, noun: String)], edges: [Edge], id: String,
        label: String
    ) {
        self.first = first
        self.stacks = stacks
        self.series = series
        self.edges = edges
        self.id = id
        self.label = label
        let total = stacks.reduce(Int64(0)) { $0 + $1.reduce(0, +) }
        left = max(46, 14 + 9.5 * Double(HTMLPage.grouped(Self.niceCeiling(total)).count))
    }
    var plotWidth: Double { Self.width - left - Self.right }

    /// The days to draw: from `dataFirst` to `dataLast`, widened to take in any of `edges` that lies
    /// less than `margin` days beyond either end, and cut at `maximumDays`.
    static func span(dataFirst: LocalDate, dataLast: LocalDate, edges: [Instant], zone: Zone, margin: Int64 = 31) -> (
        first: LocalDate, days: Int
    ) {
        var start = dataFirst.daysSinceEpoch
        var end = dataLast.daysSinceEpoch  // inclusive
        for edge in edges where edge != .min && edge != .max {
            let local = zone.localDateTime(at: edge)
            let day = local.date.daysSinceEpoch
            // The last day an edge needs drawn: its own, or the one before when it is midnight.
            let needed = local.millisecondOfDay == 0 ? day - 1 : day
            if day < start, start - day <= margin { start = day }
            if needed > end, needed - dataLast.daysSinceEpoch <= margin { end = needed }
        }
        let days = Int(min(end - start + 1, Int64(maximumDays)))
        return (LocalDate(daysSinceEpoch: start), days)
    }

    /// Edges at `instants` (with their labels), placed on a chart of `days` days from `first` in
    /// `zone`; those outside the span are left out, those at the same position share one line.
    static func edges(_ instants: [(instant: Instant, label: String)], first: LocalDate, days: Int, zone: Zone) -> [Edge] {
        var placed: [(day: Int64, millisecond: Int64, label: String)] = []
        for (instant, label) in instants where instant != .min && instant != .max {
            let local = zone.localDateTime(at: instant)
            let day = local.date.daysSinceEpoch - first.daysSinceEpoch
            guard day >= 0, day < Int64(days) || (day == Int64(days) && local.millisecondOfDay == 0) else { continue }
            placed.append((day, local.millisecondOfDay, label))
        }
        var edges: [Edge] = []
        var last: (Int64, Int64)?
        for edge in placed.enumerated().sorted(by: {
            ($0.element.day, $0.element.millisecond, $0.offset) < ($1.element.day, $1.element.millisecond, $1.offset)
        }) {
            let key = (edge.element.day, edge.element.millisecond)
            if let last, last == key {
                edges[edges.count - 1].labels.append(edge.element.label)
            } else {
                edges.append(Edge(position: Double(key.0) + Double(key.1) / 86_400_000, labels: [edge.element.label]))
            }
            last = key
        }
        return edges
    }

    /// A round number at or above `value`, for the top of an axis: 1, 2, 3, 4, 5, 6, 8 or 10 below
    /// ten, else 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a power of ten (1,000,003 → 1,200,000).
    static func niceCeiling(_ value: Int64) -> Int64 {
        guard value > 1 else { return 1 }
        if value <= 10 { return [1, 2, 3, 4, 5, 6, 8, 10].first { $0 >= value } ?? 10 }
        var magnitude: Int64 = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        let tenth = magnitude / 10
        for factor: Int64 in [10, 12, 15, 20, 25, 30, 40, 50, 60, 80] where factor * tenth >= value { return factor * tenth }
        return 10 * magnitude
    }

    func x(_ position: Double) -> Double { left + plotWidth * position / Double(max(days, 1)) }

    func y(_ value: Int64, of maximum: Int64) -> Double {
        Self.top + Self.plotHeight - Self.plotHeight * Double(value) / Double(max(maximum, 1))
    }

    /// The bar chart.
    func bars(defs: String = "") -> String {
        let n = HTMLPage.number
        let maximum = Self.niceCeiling(stacks.map { $0.reduce(0, +) }.max() ?? 0)
        var out = svgOpen(kind: "bars")
        out += defs
        out += axes(maximum: maximum)
        let slot = plotWidth / Double(max(days, 1))
        let gap = min(slot * 0.15, 3)
        for (index, stack) in stacks.enumerated() {
            let day = LocalDate(daysSinceEpoch: first.daysSinceEpoch + Int64(index))
            let attributes = zip(series, stack).map { " data-\($0.attribute)=\"\($1)\"" }.joined()
            let tooltip =
                "\(day): " + zip(series, stack).map { "\(HTMLPage.grouped($1)) \($0.noun)\($1 == 1 ? "" : "s")" }.joined(separator: ", ")
            let barX = x(Double(index)) + gap
            let barWidth = max(slot - 2 * gap, 0.2)
            if series.count == 1 {
                let top = y(stack[0], of: maximum)
                out +=
                    "<rect class=\"bar \(series[0].cssClass)\" data-day=\"\(day)\"\(attributes) x=\"\(n(barX))\" y=\"\(n(top))\" "
                    + "width=\"\(n(barWidth))\" height=\"\(n(Self.top + Self.plotHeight - top))\"><title>\(HTMLPage.escape(tooltip))</title></rect>\n"
            } else {
                out += "<g class=\"bar\" data-day=\"\(day)\"\(attributes)><title>\(HTMLPage.escape(tooltip))</title>"
                var base: Int64 = 0
                for (part, value) in zip(series, stack) {
                    let low = y(base, of: maximum)
                    let high = y(base + value, of: maximum)
                    out +=
                        "<rect class=\"\(part.cssClass)\" x=\"\(n(barX))\" y=\"\(n(high))\" width=\"\(n(barWidth))\" height=\"\(n(low - high))\"/>"
                    base += value
                }
                out += "</g>\n"
            }
        }
        out += dayLabels()
        out += edgeLines()
        return out + "</svg>"
    }

    /// A line of the running total at the end of each day.
    func cumulative() -> String {
        let n = HTMLPage.number
        var running: Int64 = 0
        var totals: [Int64] = []
        for stack in stacks {
            running += stack.reduce(0, +)
            totals.append(running)
        }
        let maximum = Self.niceCeiling(running)
        var out = svgOpen(kind: "cumulative")
        out += axes(maximum: maximum)
        var points = ["\(n(x(0))),\(n(y(0, of: maximum)))"]
        for (index, total) in totals.enumerated() { points.append("\(n(x(Double(index + 1)))),\(n(y(total, of: maximum)))") }
        out += "<polyline class=\"cumulative\" data-total=\"\(running)\" points=\"\(points.joined(separator: " "))\"/>\n"
        out +=
            "<text class=\"total-label\" x=\"\(n(x(Double(days)) - 4))\" y=\"\(n(max(y(running, of: maximum) - 6, Self.top + 14)))\" "
            + "text-anchor=\"end\">\(HTMLPage.grouped(running))</text>\n"
        out += dayLabels()
        out += edgeLines()
        return out + "</svg>"
    }

    private func svgOpen(kind: String) -> String {
        let n = HTMLPage.number
        return
            "<svg class=\"chart\" id=\"\(HTMLPage.escape(id))\" data-kind=\"\(kind)\" data-days=\"\(days)\" "
            + "viewBox=\"0 0 \(n(Self.width)) \(n(Self.height))\" role=\"img\" aria-label=\"\(HTMLPage.escape(label))\" "
            + "xmlns=\"http://www.w3.org/2000/svg\">\n"
    }

    /// The axes, gridlines at half and full height, and their values.
    private func axes(maximum: Int64) -> String {
        let n = HTMLPage.number
        let bottom = Self.top + Self.plotHeight
        var out = ""
        var marks: [Int64] = [maximum]
        if maximum % 2 == 0 { marks.append(maximum / 2) }
        for mark in marks {
            let level = y(mark, of: maximum)
            out +=
                "<line class=\"grid-line\" x1=\"\(n(left))\" y1=\"\(n(level))\" x2=\"\(n(Self.width - Self.right))\" y2=\"\(n(level))\"/>"
                + "<text x=\"\(n(left - 6))\" y=\"\(n(level + 4))\" text-anchor=\"end\">\(HTMLPage.grouped(mark))</text>\n"
        }
        out +=
            "<text x=\"\(n(left - 6))\" y=\"\(n(bottom + 4))\" text-anchor=\"end\">0</text>\n"
            + "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(Self.width - Self.right))\" y2=\"\(n(bottom))\"/>\n"
            + "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(Self.top))\" x2=\"\(n(left))\" y2=\"\(n(bottom))\"/>\n"
        return out
    }

    /// `MM-DD` under every day, or every few days when they would crowd (a label needs about 50
    /// units at the larger size a narrow window gets, and some room between).
    private func dayLabels() -> String {
        let n = HTMLPage.number
        let slot = plotWidth / Double(max(days, 1))
        let step = max(1, Int((56 / slot).rounded(.up)))
        var out = ""
        for index in stride(from: 0, to: days, by: step) {
            let day = LocalDate(daysSinceEpoch: first.daysSinceEpoch + Int64(index))
            let text = HTMLPage.monthAndDay(day)
            out +=
                "<text class=\"day-label\" x=\"\(n(x(Double(index) + 0.5)))\" y=\"\(n(Self.top + Self.plotHeight + 16))\" "
                + "text-anchor=\"middle\">\(text)</text>\n"
        }
        return out
    }

    /// The window edges: a dashed line over the plot and its label above, in one of two rows so
    /// that neighbouring labels do not overlap.
    private func edgeLines() -> String {
        let n = HTMLPage.number
        var out = ""
        var rowEnds = [-Double.infinity, -Double.infinity]
        for edge in edges {
            let at = x(edge.position)
            let text = edge.labels.joined(separator: " · ")
            let textWidth = Double(text.count) * 8  // wide enough for the 14px labels of a narrow window
            let anchorEnd = at + 3 + textWidth > Self.width
            let start = anchorEnd ? at - 3 - textWidth : at + 3
            let row = rowEnds[0] < start ? 0 : (rowEnds[1] < start ? 1 : 0)
            rowEnds[row] = start + textWidth + 6
            let labelY = 12.0 + 14 * Double(row)
            out +=
                "<g class=\"window-edge\" data-position=\"\(n(edge.position))\"><line class=\"edge\" x1=\"\(n(at))\" y1=\"\(n(labelY + 3))\" "
                + "x2=\"\(n(at))\" y2=\"\(n(Self.top + Self.plotHeight))\"/>"
                + "<text class=\"edge-label\" x=\"\(n(anchorEnd ? at - 3 : at + 3))\" y=\"\(n(labelY))\" "
                + "text-anchor=\"\(anchorEnd ? "end" : "start")\">\(HTMLPage.escape(text))</text></g>\n"
        }
        return out
    }
}
