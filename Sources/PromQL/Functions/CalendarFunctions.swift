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

    /// Converts seconds since the epoch the way Go's `time` package does for UTC, including
    /// its wrap-around for times beyond its range (what `year(vector(NaN))` shows).
    static func civil(_ seconds: Int64) -> CivilTime {
        let unixToAbsolute: Int64 = 9_223_372_028_715_321_600
        let abs = UInt64(bitPattern: seconds &+ unixToAbsolute)
        let secondOfDay = Int64(abs % 86400)
        var d = abs / 86400
        var n = d / 146_097
        var y = 400 * n
        d -= 146_097 * n
        n = d / 36524
        n -= n >> 2
        y += 100 * n
        d -= 36524 * n
        n = d / 1461
        y += 4 * n
        d -= 1461 * n
        n = d / 365
        n -= n >> 2
        y += n
        d -= 365 * n
        let year = Int64(bitPattern: y) &+ -292_277_022_399
        let yday = Int64(d)
        var day = yday
        var month: Int64
        let daysBefore: [Int64] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
        var leapDay = false
        if isLeap(year) {
            if day > 31 + 29 - 1 {
                day -= 1
            } else if day == 31 + 29 - 1 {
                leapDay = true
            }
        }
        if leapDay {
            month = 2
            day = 29
        } else {
            month = day / 31
            let end = daysBefore[Int(month) + 1]
            let begin: Int64
            if day >= end {
                month += 1
                begin = end
            } else {
                begin = daysBefore[Int(month)]
            }
            month += 1
            day = day - begin + 1
        }
        let weekday = Int64((abs &+ 86400) % 604_800 / 86400)
        return CivilTime(year: year, month: month, day: day, dayOfYear: yday + 1, weekday: weekday,
                         hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60)
    }
}
