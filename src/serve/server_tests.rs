//! Tests of `server`: answers to requests (paths, 404s, redirects), and no request
//! gets a 5xx.

use super::*;
use crate::incremental::{Build, Files};
use proptest::prelude::*;

/// A state serving a small site: a page, a folder with an accented name, a 404 page.
fn serving() -> (State, Allowed) {
    let page = |html: &str| Body::Bytes(Arc::from(html.as_bytes()));
    let files: Files = [
        ("index.html", "<html><head></head><body>home</body></html>"),
        ("404.html", "<html><head></head><body>missing</body></html>"),
        ("fr/404.html", "<html><head></head><body>introuvable</body></html>"),
        ("g/s.html", "<html><head></head><body>step</body></html>"),
        ("café/index.html", "<html><head></head><body>café</body></html>"),
        ("a b/x.css", "p {}"),
    ]
    .into_iter()
    .map(|(path, html)| (path.to_string(), page(html)))
    .collect();
    let state = State::new();
    let build = Build {
        files: Some(files),
        diagnostics: Vec::new(),
        parsed: 0,
        rendered: 0,
        timings: Vec::new(),
        quick: false,
    };
    state.publish(build, true);
    (state, Allowed::new("127.0.0.1".parse().unwrap(), 4000))
}

fn get<'a>(path: &'a str) -> Asked<'a> {
    Asked { method: &Method::GET, path, query: "", host: Some("127.0.0.1:4000"), origin: None, last_event_id: None }
}

fn status(answer: &Answer) -> u16 {
    match answer {
        Answer::Reply(response) => response.status().as_u16(),
        Answer::Events(_) | Answer::File { .. } => 200,
    }
}

#[test]
fn an_accented_folder_redirects_with_its_path_as_sent() {
    let (state, allowed) = serving();
    let Answer::Reply(moved) = answer(&get("/caf%C3%A9"), &state, &allowed) else { panic!("a reply") };
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()[LOCATION], "/caf%C3%A9/");
    assert_eq!(status(&answer(&get("/caf%C3%A9/"), &state, &allowed)), 200);
    assert_eq!(status(&answer(&get("/caf%c3%a9/index.html"), &state, &allowed)), 200);
    assert_eq!(status(&answer(&get("/a%20b/x.css"), &state, &allowed)), 200);
    assert_eq!(status(&answer(&get("/nope"), &state, &allowed)), 404);
    assert_eq!(status(&answer(&get("/a/b/missing"), &state, &allowed)), 404);
}

#[test]
fn a_missing_page_under_a_language_folder_gets_that_languages_404() {
    let (state, allowed) = serving();
    let body = |path: &str| {
        let Answer::Reply(response) = answer(&get(path), &state, &allowed) else { panic!("a reply") };
        assert_eq!(response.status(), 404, "{path}");
        let bytes = futures_body(response);
        String::from_utf8(bytes).unwrap()
    };
    let fr = body("/fr/g/missing.html");
    assert!(fr.contains("<base href=\"/fr/\">") && fr.contains("introuvable"), "{fr}");
    let en = body("/g/missing.html");
    assert!(en.contains("<base href=\"/\">") && en.contains("missing"), "{en}");
}

/// The bytes of a reply's body (a `Full`, ready at once).
fn futures_body(response: Response<Full<Bytes>>) -> Vec<u8> {
    use http_body_util::BodyExt;
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(response.into_body().collect()).unwrap().to_bytes().to_vec()
}

#[test]
fn the_404_page_links_from_the_root_at_any_depth() {
    let page = with_base(b"<html><HEAD><link href=\"style.css\"></HEAD></html>", "");
    assert_eq!(page, b"<html><HEAD>\n<base href=\"/\"><link href=\"style.css\"></HEAD></html>");
    assert_eq!(with_base(b"no head", ""), b"no head");
    assert_eq!(with_base(b"<head></head>", "fr"), b"<head>\n<base href=\"/fr/\"></head>");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any path, query and header values: an answer, never a panic or a 5xx.
    #[test]
    fn any_request_gets_an_answer_below_500(
        path in prop_oneof![
            any::<String>(),
            "/[a-zé%0-9A-F./\\?#]{0,24}",
            proptest::collection::vec(any::<u8>(), 0..40)
                .prop_map(|b| format!("/{}", percent_encoding::percent_encode(&b, percent_encoding::NON_ALPHANUMERIC))),
        ],
        query in ".{0,12}",
        id in proptest::option::of(".{0,8}"),
        head in any::<bool>(),
    ) {
        let (state, allowed) = serving();
        let method = if head { Method::HEAD } else { Method::GET };
        let asked = Asked { method: &method, query: &query, last_event_id: id.as_deref(), ..get(&path) };
        let answer = answer(&asked, &state, &allowed);
        prop_assert!(status(&answer) < 500, "{path:?}: {answer:?}");
        if let Answer::Reply(response) = &answer {
            if let Some(location) = response.headers().get(LOCATION) {
                prop_assert!(location.to_str().is_ok_and(|l| l.starts_with('/') && !l.starts_with("//")));
            }
        }
    }
}

#[test]
fn paths_stay_inside_the_site() {
    assert_eq!(site_path("/").as_deref(), Some("index.html"));
    assert_eq!(site_path("/g/").as_deref(), Some("g/index.html"));
    assert_eq!(site_path("/g/s.html").as_deref(), Some("g/s.html"));
    assert_eq!(site_path("/g/a%20b.png").as_deref(), Some("g/a b.png"));
    for bad in [
        "/../etc/passwd",
        "/g/../../x",
        "/%2e%2e/x",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/g%2fs.html",
        "/g%2Fs.html",
        "/g%5cs.html",
        "/g\\s.html",
        "//etc/passwd",
        "/g/./s.html",
        "/a%00b",
        "/%ff",
        "/%zz",
        "relative",
    ] {
        assert_eq!(site_path(bad), None, "{bad}");
    }
}

#[test]
fn hosts_and_origins() {
    let a = Allowed::new("127.0.0.1".parse().unwrap(), 4000);
    assert!(a.host("127.0.0.1:4000") && a.host("localhost:4000") && a.host("LOCALHOST:4000"));
    assert!(!a.host("evil.example:4000") && !a.host("127.0.0.1:4001") && !a.host("localhost"));
    assert!(a.origin("http://localhost:4000"));
    assert!(!a.origin("http://evil.example") && !a.origin("null") && !a.origin("https://localhost:4000"));
}
