/// The date functions (`year()`, `hour()`, ...): each maps Unix seconds to a field of that
/// instant's UTC date, as Go's `time.Unix(s, 0).UTC()` reports it.
enum CalendarFunctions {
    /// A UTC civil date and time of day.
    struct CivilTime {
        var year: Int64
        var month: Int64
        var day: Int64
        var dayOfYear: Int64
        var weekday: Int64
        var hour: Int64
        var minute: Int64
    }

    static let table: [String: @Sendable (Int64) -> Double] = [
        "year": { Double(civil($0).year) },
        "month": { Double(civil($0).month) },
        "day_of_month": { Double(civil($0).day) },
        "day_of_year": { Double(civil($0).dayOfYear) },
        "day_of_week": { Double(civil($0).weekday) },
        "hour": { Double(civil($0).hour) },
        "minute": { Double(civil($0).minute) },
        "days_in_month": { let c = civil($0); return Double(daysIn(month: c.month, year: c.year)) },
    ]

    static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Converts seconds since the epoch (days-from-civil inverted, proleptic Gregorian).
    static func civil(_ seconds: Int64) -> CivilTime {
        // Keep far-out inputs (NaN became Int64.min) inside the arithmetic's range.
        let s = min(max(seconds, -(1 << 50)), 1 << 50)
        var days = s / 86400
        var secondOfDay = s % 86400
        if secondOfDay < 0 {
            secondOfDay += 86400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doyMarch = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doyMarch + 2) / 153
        let day = doyMarch - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var dayOfYear = day
        for m in 1..<month { dayOfYear += daysIn(month: m, year: year) }
        let weekday = ((days % 7) + 11) % 7
        return CivilTime(year: year, month: month, day: day, dayOfYear: dayOfYear, weekday: weekday,
                         hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60)
    }
}
