//! What a user account may look like: e-mail and password rules.

use sora_common::error::FieldError;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The e-mail as stored (trimmed, lower-case), or why it is not one.
pub fn email(email: &str, errors: &mut Vec<FieldError>) -> String {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && !email.chars().any(char::is_control)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        errors.push(FieldError::new("email", "must be an e-mail address"));
    }
    email
}

pub fn password(password: &str, errors: &mut Vec<FieldError>) {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        errors.push(FieldError::new(
            "password",
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["a@b.co", " Admin@Sora.Local "] {
            let mut errors = Vec::new();
            email(good, &mut errors);
            assert!(errors.is_empty(), "{good}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.co",
            "a b@c.de",
            "a@.co",
            "a@co.",
            "a\u{0}@b.co",
        ] {
            let mut errors = Vec::new();
            email(bad, &mut errors);
            assert_eq!(errors.len(), 1, "{bad:?}");
        }
    }
}
