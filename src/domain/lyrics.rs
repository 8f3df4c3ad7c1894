//! Lyrics as stored (LRC or plain text) turned into lines with optional start times.

#[derive(Debug, Clone, PartialEq)]
pub struct LyricLine {
    /// Milliseconds from the start of the track; `None` for unsynced lyrics.
    pub start_ms: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lyrics {
    pub synced: bool,
    pub lines: Vec<LyricLine>,
    /// From the `[ar:]` and `[ti:]` headers (line times already include any `[offset:]`).
    pub artist: Option<String>,
    pub title: Option<String>,
}

/// Parses LRC (`[mm:ss.xx]text`, several stamps per line allowed, `[ar:]`/`[ti:]`/`[offset:]`
/// headers); text with no time stamps at all is unsynced lyrics, one line per line.
pub fn parse(body: &str) -> Lyrics {
    let mut synced = Vec::new();
    let mut plain = Vec::new();
    let (mut artist, mut title, mut offset) = (None, None, 0i64);
    for raw in body.lines() {
        let line = raw.trim_end_matches('\r');
        let (stamps, text) = leading_stamps(line);
        if !stamps.is_empty() {
            for ms in stamps {
                synced.push(LyricLine { start_ms: Some(ms), text: text.trim().to_string() });
            }
            continue;
        }
        if let Some((key, value)) = header(line) {
            match key.as_str() {
                "ar" => artist = Some(value),
                "ti" => title = Some(value),
                "offset" => offset = value.trim().parse().unwrap_or(0),
                _ => {}
            }
            continue;
        }
        plain.push(LyricLine { start_ms: None, text: line.trim().to_string() });
    }
    if synced.is_empty() {
        // Trim blank lines at both ends; keep the ones between verses.
        while plain.first().is_some_and(|l| l.text.is_empty()) {
            plain.remove(0);
        }
        while plain.last().is_some_and(|l| l.text.is_empty()) {
            plain.pop();
        }
        return Lyrics { synced: false, lines: plain, artist, title };
    }
    // A positive offset shows lyrics sooner.
    for line in &mut synced {
        line.start_ms = line.start_ms.map(|ms| (ms - offset).max(0));
    }
    synced.sort_by_key(|l| l.start_ms);
    Lyrics { synced: true, lines: synced, artist, title }
}

/// `[01:02.34][01:30]text` → ([62340, 90000], "text").
fn leading_stamps(mut line: &str) -> (Vec<i64>, &str) {
    let mut stamps = Vec::new();
    while let Some(rest) = line.strip_prefix('[') {
        let Some(end) = rest.find(']') else { break };
        let Some(ms) = stamp(&rest[..end]) else { break };
        stamps.push(ms);
        line = &rest[end + 1..];
    }
    (stamps, line)
}

/// `mm:ss`, `mm:ss.x`, `mm:ss.xx` or `mm:ss.xxx` → milliseconds.
fn stamp(s: &str) -> Option<i64> {
    let (min, sec) = s.split_once(':')?;
    let min: i64 = min.trim().parse().ok()?;
    let (whole, frac) = sec.split_once(['.', ':']).unwrap_or((sec, ""));
    if whole.len() != 2 || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 3 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_ms = if frac.is_empty() { 0 } else { frac.parse::<i64>().ok()? * 10i64.pow(3 - frac.len() as u32) };
    (whole < 60 && min >= 0).then_some(min * 60_000 + whole * 1000 + frac_ms)
}

/// `[ar: Someone]` → ("ar", "Someone").
fn header(line: &str) -> Option<(String, String)> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?;
    let (key, value) = inner.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    key.chars().all(|c| c.is_ascii_alphabetic()).then(|| (key, value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synced_lines_get_their_times_in_order_with_repeats_and_offset() {
        let l = parse("[ar:Band]\n[ti:Song]\n[offset:+500]\n[00:10.50]Second\n[00:01.00][00:20]Chorus\n");
        assert!(l.synced);
        assert_eq!(l.artist.as_deref(), Some("Band"));
        let got: Vec<_> = l.lines.iter().map(|x| (x.start_ms.unwrap(), x.text.as_str())).collect();
        assert_eq!(got, vec![(500, "Chorus"), (10_000, "Second"), (19_500, "Chorus")]);
    }

    #[test]
    fn text_without_stamps_is_unsynced_and_keeps_inner_blank_lines() {
        let l = parse("\nFirst verse\n\nSecond verse\n\n");
        assert!(!l.synced);
        let got: Vec<_> = l.lines.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(got, vec!["First verse", "", "Second verse"]);
        assert!(l.lines.iter().all(|x| x.start_ms.is_none()));
    }

    #[test]
    fn odd_brackets_are_text_not_stamps() {
        let l = parse("[Chorus]\n[1:2]x\n[00:05.123]ok");
        assert!(l.synced);
        assert_eq!(l.lines.len(), 1);
        assert_eq!(l.lines[0].start_ms, Some(5_123));
    }
}
