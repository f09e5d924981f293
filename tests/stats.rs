//! `rapport stats --json` on the public TWCS sample equals what the CSV itself implies:
//! mentions = inbound tweets; answered = inbound tweets with a brand reply in the file;
//! first response = the earliest brand reply's time minus the tweet's time.

mod common;

use common::{rapport, shared_data, stdout};
use std::collections::HashMap;

fn median(mut v: Vec<i64>) -> Option<f64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

#[test]
fn twcs_stats_match_the_csv() {
    let Some(sample) = shared_data("twcs_sample.csv") else {
        eprintln!("skipped: ../shared/data/twcs_sample.csv is absent");
        return;
    };
    // The expected figures, straight from the CSV.
    let mut inbound: HashMap<String, i64> = HashMap::new();
    let mut replies: Vec<(String, String, i64)> = Vec::new(); // (brand, in reply to, time)
    let mut reader = csv::Reader::from_path(&sample).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let time = chrono::DateTime::parse_from_str(&row[3], "%a %b %d %H:%M:%S %z %Y")
            .unwrap()
            .timestamp();
        if &row[2] == "True" {
            inbound.insert(row[0].to_string(), time);
        } else if !row[6].is_empty() {
            replies.push((row[1].to_string(), row[6].to_string(), time));
        }
    }
    let mut first: HashMap<&str, (i64, &str)> = HashMap::new();
    for (brand, to, time) in &replies {
        if inbound.contains_key(to) {
            let e = first.entry(to.as_str()).or_insert((*time, brand.as_str()));
            if *time < e.0 {
                *e = (*time, brand.as_str());
            }
        }
    }
    let waits: Vec<i64> = first.iter().map(|(id, (t, _))| t - inbound[*id]).collect();
    let mut per_brand: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, (t, brand)) in &first {
        per_brand.entry(brand).or_default().push(t - inbound[*id]);
    }

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for _ in 0..2 {
        let out = rapport(dir.path(), &db, &["import", sample.to_str().unwrap()]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let out = rapport(dir.path(), &db, &["stats", "--json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["mentions"], inbound.len() as i64);
    assert_eq!(json["answered"], first.len() as i64);
    assert!(first.len() > 10, "the sample should hold answered tweets");
    assert_eq!(
        json["median_first_response_secs"].as_f64(),
        median(waits.clone())
    );
    // The full report agrees, and its 90th percentile is the nearest rank of the CSV's.
    let overall = &json["report"]["overall"];
    assert_eq!(overall["mentions"], inbound.len() as i64);
    assert_eq!(overall["answered"], first.len() as i64);
    assert_eq!(overall["median_secs"].as_f64(), median(waits.clone()));
    let mut sorted = waits.clone();
    sorted.sort_unstable();
    let p90 = sorted[(sorted.len() * 9).div_ceil(10) - 1] as f64;
    assert_eq!(overall["p90_secs"].as_f64(), Some(p90));
    let by_platform = json["report"]["by_platform"].as_array().unwrap();
    assert_eq!(by_platform.len(), 1);
    assert_eq!(by_platform[0]["answered"], first.len() as i64);
    for (brand, waits) in per_brand {
        let row = json["by_account"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| {
                a["account"]
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case(brand))
            })
            .unwrap_or_else(|| panic!("{brand} missing from {json}"));
        assert_eq!(row["answered"], waits.len() as i64, "{brand}");
        assert_eq!(
            row["median_first_response_secs"].as_f64(),
            median(waits),
            "{brand}"
        );
    }
}

/// `--since` and `--until` bound the period (the whole `--until` day counts); what is
/// open is counted as of now whatever the period, and said so.
#[test]
fn a_period_has_a_start_and_an_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let line = |id: &str, day: &str| {
        serde_json::json!({
            "platform": "twitter", "external_id": id, "kind": "mention",
            "created_at": format!("2025-03-{day}T12:00:00Z"), "body": "hello",
            "author": {"id": "u-1", "handle": "ana"}
        })
        .to_string()
    };
    let lines = [
        line("1", "01"),
        line("2", "10"),
        line("3", "10"),
        line("4", "20"),
    ];
    let file = common::write(dir.path(), "p.ndjson", lines.join("\n").as_bytes());
    let out = rapport(dir.path(), &db, &["import", &file]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let mentions = |args: &[&str]| -> (i64, i64) {
        let mut all = vec!["stats", "--json"];
        all.extend_from_slice(args);
        let out = rapport(dir.path(), &db, &all);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        (
            json["mentions"].as_i64().unwrap(),
            json["report"]["overall"]["mentions"].as_i64().unwrap(),
        )
    };
    assert_eq!(mentions(&[]), (4, 4));
    assert_eq!(mentions(&["--until", "2025-03-10"]), (3, 3));
    assert_eq!(
        mentions(&["--since", "2025-03-02", "--until", "2025-03-10"]),
        (2, 2)
    );
    assert_eq!(mentions(&["--since", "2025-03-11"]), (1, 1));
    // Text: the period's figures, and the open items of now, named as such.
    let out = rapport(dir.path(), &db, &["stats", "--until", "2025-03-01"]);
    let text = stdout(&out);
    assert!(text.contains("from 2025-03-01"), "{text}");
    assert!(text.contains("now, whatever the period: 4 open"), "{text}");
    let out = rapport(
        dir.path(),
        &db,
        &["stats", "--since", "2025-03-10", "--until", "2025-03-01"],
    );
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("swap them"),
        "{}",
        common::stderr(&out)
    );
}
