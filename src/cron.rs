//! Cron expressions (UTC): `minute hour day-of-month month day-of-week`,
//! each `*`, a number, a range `a-b`, a list `a,b`, or a step `*/n` / `a-b/n`;
//! month and weekday names (`jan`, `mon`); `@hourly`, `@daily`, `@weekly`,
//! `@monthly`, `@yearly`. When both day fields are restricted a day matches
//! either, as in Vixie cron.

use assay_engine::waiver::Date;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_any: bool,
    weekdays_any: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(text: &str, names: &[&str], base: u32) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(u32::try_from(i).unwrap_or(0) + base);
    }
    text.parse::<u32>()
        .map_err(|_| format!("`{text}` is not a number"))
}

/// Bits `lo..=hi` that a field selects.
fn field(text: &str, lo: u32, hi: u32, names: &[&str], base: u32) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step in `{part}`"))?,
            ),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, base)?, value(b, names, base)?)
        } else {
            let v = value(range, names, base)?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("`{part}` is outside {lo}-{hi}"));
        }
        let mut v = a;
        while v <= b {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

impl Cron {
    /// Parse an expression.
    pub fn parse(text: &str) -> Result<Cron, String> {
        let expanded = match text.trim() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let f: Vec<&str> = expanded.split_whitespace().collect();
        let [m, h, dom, mon, dow] = f.as_slice() else {
            return Err(format!(
                "`{text}` needs five fields: minute hour day-of-month month day-of-week"
            ));
        };
        let mut weekdays = field(dow, 0, 7, &WEEKDAYS, 0)?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1; // 7 is Sunday too
        }
        Ok(Cron {
            minutes: field(m, 0, 59, &[], 0)?,
            hours: u32::try_from(field(h, 0, 23, &[], 0)?).unwrap_or(0),
            days: u32::try_from(field(dom, 1, 31, &[], 0)?).unwrap_or(0),
            months: u16::try_from(field(mon, 1, 12, &MONTHS, 1)?).unwrap_or(0),
            weekdays: u8::try_from(weekdays & 0x7f).unwrap_or(0),
            days_any: *dom == "*",
            weekdays_any: *dow == "*",
        })
    }

    fn day_matches(&self, days_since_epoch: i64) -> bool {
        let d = Date::from_unix_days(days_since_epoch);
        if self.months & (1 << d.month) == 0 {
            return false;
        }
        let weekday = (days_since_epoch + 4).rem_euclid(7); // 1970-01-01 was a Thursday
        let dom = self.days & (1 << d.day) != 0;
        let dow = self.weekdays & (1 << weekday) != 0;
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (false, true) => dom,
            (true, false) => dow,
            (false, false) => dom || dow,
        }
    }

    /// The first matching minute strictly after `unix_secs` (within ~5 years).
    pub fn next_after(&self, unix_secs: u64) -> Option<u64> {
        let mut t = (unix_secs / 60 + 1) * 60;
        let limit = t + 5 * 366 * 86_400;
        while t < limit {
            let day = i64::try_from(t / 86_400).ok()?;
            if !self.day_matches(day) {
                t = (t / 86_400 + 1) * 86_400;
                continue;
            }
            let hour = (t % 86_400) / 3600;
            if self.hours & (1 << hour) == 0 {
                t = (t / 3600 + 1) * 3600;
                continue;
            }
            let minute = (t % 3600) / 60;
            if self.minutes & (1 << minute) == 0 {
                t += 60;
                continue;
            }
            return Some(t);
        }
        None
    }

    /// The last matching minute at or before `unix_secs`, searching back
    /// no further than `since` (for "a run was missed while we were down").
    pub fn last_at_or_before(&self, unix_secs: u64, since: u64) -> Option<u64> {
        let mut found = None;
        let mut t = since.checked_sub(1)?;
        while let Some(n) = self.next_after(t) {
            if n > unix_secs {
                break;
            }
            found = Some(n);
            t = n;
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23 (a Monday) 20:13:00 UTC
    const NOW: u64 = 1_795_464_780;

    fn at(t: u64) -> String {
        assay_engine::snapshot::rfc3339(t)
    }

    #[test]
    fn next_runs() {
        let cases = [
            ("* * * * *", "2026-11-23T20:14:00Z"),
            ("0 2 * * *", "2026-11-24T02:00:00Z"),
            ("*/15 * * * *", "2026-11-23T20:15:00Z"),
            ("30 9 * * mon-fri", "2026-11-24T09:30:00Z"),
            ("0 0 1 * *", "2026-12-01T00:00:00Z"),
            ("0 0 29 2 *", "2028-02-29T00:00:00Z"),
            ("0 12 * * 0", "2026-11-29T12:00:00Z"),
            ("0 12 * * 7", "2026-11-29T12:00:00Z"),
            ("@weekly", "2026-11-29T00:00:00Z"),
            ("0 0 1 jan *", "2027-01-01T00:00:00Z"),
            // both day fields restricted: either matches (the 25th, or a Sunday)
            ("0 0 25 * sun", "2026-11-25T00:00:00Z"),
        ];
        assert_eq!(at(NOW), "2026-11-23T20:13:00Z");
        for (expr, want) in cases {
            let c = Cron::parse(expr).unwrap();
            assert_eq!(at(c.next_after(NOW).unwrap()), want, "{expr}");
        }
    }

    #[test]
    fn missed_runs_are_found() {
        let c = Cron::parse("0 * * * *").unwrap();
        // down from 17:30 to now: the last missed run was 20:00
        let last = c.last_at_or_before(NOW, NOW - 3 * 3600 + 17 * 60).unwrap();
        assert_eq!(at(last), "2026-11-23T20:00:00Z");
        assert_eq!(c.last_at_or_before(NOW, NOW - 60), None);
    }

    #[test]
    fn bad_expressions() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "*/0 * * * *",
            "a * * * *",
            "5-1 * * * *",
        ] {
            assert!(Cron::parse(bad).is_err(), "{bad}");
        }
    }
}
