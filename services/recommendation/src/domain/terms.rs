//! The terms of a text (an extension's name and description) the index
//! keeps: lower-case words of letters and digits, at least three
//! characters, without the words every description has.

/// Most terms kept of one text.
pub const MAX_TERMS: usize = 64;

const STOPWORDS: &[&str] = &[
    "and",
    "are",
    "for",
    "from",
    "has",
    "into",
    "its",
    "not",
    "the",
    "this",
    "that",
    "with",
    "you",
    "your",
    "can",
    "all",
    "any",
    "our",
    "was",
    "will",
    "use",
    "uses",
    "using",
    "also",
    "panel",
    "extension",
    "foxglove",
    "lichtblick",
    "studio",
    "data",
];

/// The distinct terms of `text`, in order of first appearance.
pub fn terms(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let word = word.to_lowercase();
        if word.chars().count() < 3 || STOPWORDS.contains(&word.as_str()) || found.contains(&word) {
            continue;
        }
        found.push(word);
        if found.len() == MAX_TERMS {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_a_description_become_terms() {
        assert_eq!(
            terms("Shows LiDAR point clouds (PointCloud2) from the Velodyne; shows IMU data too."),
            [
                "shows",
                "lidar",
                "point",
                "clouds",
                "pointcloud2",
                "velodyne",
                "imu",
                "too"
            ]
        );
        assert!(terms("a an to of").is_empty());
        assert_eq!(terms(&"word ".repeat(200)), ["word"]);
        let many: String = (0..100).map(|n| format!("term{n} ")).collect();
        assert_eq!(terms(&many).len(), MAX_TERMS);
    }
}
