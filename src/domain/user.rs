//! Validated account fields. Each is built by `parse`, so a value that exists is valid.

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Trims and lower-cases, so `Ann@Example.org ` and `ann@example.org` are one account.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
            })
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.matches('@').count() == 1;
        if valid { Ok(Self(email)) } else { Err(AppError::invalid("enter a valid email address")) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(1..=32).contains(&len) {
            return Err(AppError::invalid("a username has 1 to 32 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::invalid("a username cannot contain control characters"));
        }
        Ok(Self(name.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The unique handle people find each other by: lowercase letters, digits, `_`, `.`, `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(String);

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let tag = raw.trim().trim_start_matches('@').to_lowercase();
        let valid = (3..=32).contains(&tag.len())
            && tag.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
        if valid {
            Ok(Self(tag))
        } else {
            Err(AppError::invalid("a tag has 3 to 32 characters: lowercase letters, digits, _ . -"))
        }
    }

    /// A starting tag derived from a username; the caller makes it unique.
    pub fn suggest(username: &str) -> String {
        let base: String =
            username.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let base = base.trim_matches('_').chars().take(24).collect::<String>();
        if base.len() < 3 { format!("user{base}") } else { base }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn check_password(password: &str, min_len: usize) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < min_len {
        return Err(AppError::invalid(format!("a password has at least {min_len} characters")));
    }
    if len > 256 {
        return Err(AppError::invalid("a password has at most 256 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(Email::parse("  Ann@Example.ORG ").unwrap().as_str(), "ann@example.org");
        for bad in ["", "ann", "ann@", "@x.org", "a@b", "a b@c.org", "a@@c.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_checked() {
        assert_eq!(Tag::parse("@Ann_1").unwrap().as_str(), "ann_1");
        assert!(Tag::parse("a b").is_err());
        assert!(Tag::parse("ab").is_err());
        assert_eq!(Tag::suggest("Zoë K"), "zo__k");
        assert_eq!(Tag::suggest("Al"), "useral");
    }
}
