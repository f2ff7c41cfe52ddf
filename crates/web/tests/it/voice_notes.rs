//! Voice notes on the web — on SQLite and PostgreSQL: a recording uploaded on a case (the
//! espeak-ng sample of `tests/fixtures`), stored encrypted (the test reads the file), sent by
//! the transcription job to a fake Whisper server (an axum server on port 0: the whisper.cpp
//! API, then the OpenAI one failing once), its transcript the draft of a note that the worker
//! corrects and files, after which the recording is gone; without a backend, the note written
//! while listening with the recording kept, then deleted by hand; non-audio bytes renamed .ogg
//! refused with a clear message and the choice kept; who reads and who files. One real
//! round-trip runs only when `PASSERELLE_TEST_TRANSCRIPTION_URL` names a server.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::{Multipart, State};
use domain::accounts::Role;
use domain::jobs::Backoff;
use domain::voice_notes::{TranscriptionApi, VoiceNoteStatus};
use store::jobs::runner::{Registry, Runner, RunnerHandle, RunnerOptions};
use testkit::engine_tests;
use web::voice_notes::TranscriptionConfig;
use web::voice_notes::jobs::VoiceJobs;

use crate::helpers::{
    Browser, TestApp, location, member, open_case_for, team_of, test_config, visible_text,
};

const ORG: &str = "ccas-voix";
/// "Visite à domicile chez madame Haddad. Le chauffage est réparé." (espeak-ng, Ogg/Opus).
const SAMPLE: &[u8] = include_bytes!("../fixtures/voice-note-fr.ogg");

/// What the fake server was sent: each field's name with its text, or a file's size.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

#[derive(Clone)]
struct Fake {
    seen: Seen,
    /// Answers 500 this many times first.
    failures: Arc<Mutex<usize>>,
}

async fn answer(State(fake): State<Fake>, mut multipart: Multipart) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut fields = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        let name = field.name().unwrap_or("").to_owned();
        let is_file = field.file_name().is_some();
        let bytes = field.bytes().await.unwrap();
        let value = if is_file {
            format!("{} bytes", bytes.len())
        } else {
            String::from_utf8_lossy(&bytes).into()
        };
        fields.push((name, value));
    }
    fake.seen.lock().unwrap().push(fields);
    let mut failures = fake.failures.lock().unwrap();
    if *failures > 0 {
        *failures -= 1;
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "model not loaded").into_response();
    }
    axum::Json(serde_json::json!({ "text": "  Visite à domicile chez madame Haddad.\n Le chauffage est réparé. " }))
        .into_response()
}

/// A fake Whisper server on a free port: whisper.cpp's `/inference` and the OpenAI-compatible
/// `/v1/audio/transcriptions`.
async fn fake_whisper(failures: usize) -> (String, Seen) {
    let fake = Fake { seen: Seen::default(), failures: Arc::new(Mutex::new(failures)) };
    let router = axum::Router::new()
        .route("/inference", axum::routing::post(answer))
        .route("/v1/audio/transcriptions", axum::routing::post(answer))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, fake.seen)
}

async fn spawn(db: testkit::TestDb, transcription: Option<TranscriptionConfig>) -> TestApp {
    let config = web::WebConfig { transcription, ..test_config() };
    TestApp::spawn_configured(db, config, web::routes::Routes::new()).await
}

fn runner(app: &TestApp) -> RunnerHandle {
    let transcriber =
        web::voice_notes::transcribe::from_config(app.state.config.transcription.as_ref()).unwrap();
    runner_with(app, transcriber)
}

/// A runner with a transcriber of the test's choice (the fake backend).
fn runner_with(
    app: &TestApp,
    transcriber: Option<Arc<dyn web::voice_notes::transcribe::Transcriber>>,
) -> RunnerHandle {
    let deps = VoiceJobs {
        db: app.state.db.clone(),
        files: app.state.config.files.store.clone(),
        transcriber,
    };
    let registry = web::voice_notes::jobs::register(Registry::new(), deps);
    let options = RunnerOptions {
        poll_interval: StdDuration::from_millis(20),
        backoff: Backoff {
            base: time::Duration::milliseconds(10),
            cap: time::Duration::milliseconds(10),
        },
        ..RunnerOptions::for_engine(app.state.db.engine())
    };
    Runner::new(app.state.db.clone(), registry, options).spawn()
}

async fn voice_note(app: &TestApp, id: &str) -> store::voice_notes::VoiceNote {
    store::voice_notes::find_for_job(&app.state.db, id.parse().unwrap()).await.unwrap().unwrap()
}

async fn wait_for(
    app: &TestApp,
    id: &str,
    status: VoiceNoteStatus,
) -> store::voice_notes::VoiceNote {
    for _ in 0..500 {
        let v = voice_note(app, id).await;
        if v.status() == status {
            return v;
        }
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    panic!("the voice note never became {status:?}");
}

async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    let id: uuid::Uuid = id.parse().unwrap();
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
    }
}

async fn audits(app: &TestApp, action: &str, id: &str) -> i64 {
    let sql =
        format!("SELECT count(*) FROM audit_events WHERE action = '{action}' AND subject_id = $1");
    count(app, &sql, id).await
}

/// Sends the voice note form: the token first, as the page's form does.
async fn upload(
    app: &TestApp,
    b: &Browser,
    case: &str,
    note_type: &str,
    file_name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(file_name.to_owned())
        .mime_str("audio/ogg")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", b.csrf.clone())
        .text("note_type", note_type.to_owned())
        .part("file", part);
    b.client
        .post(app.url(&format!("/cases/{case}/voice-notes/new")))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The voice note's id from the redirect after an upload.
fn recorded(res: &reqwest::Response) -> String {
    let to = location(res);
    assert!(to.ends_with("?recorded=1"), "{to}");
    to.trim_start_matches("/voice-notes/").trim_end_matches("?recorded=1").to_owned()
}

async fn en(app: &TestApp, b: &Browser, path: &str) -> reqwest::Response {
    b.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap()
}

engine_tests! {
    async fn a_recording_is_transcribed_by_a_whisper_server_corrected_filed_and_then_deleted(db) {
        let (url, seen) = fake_whisper(0).await;
        let config = TranscriptionConfig { url, api: TranscriptionApi::WhisperCpp, model: "whisper-1".into() };
        let app = spawn(db, Some(config)).await;
        let team = team_of(&app, ORG, "Secteur nord").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Haddad").await;
        let page = visible_text(&alice.get_en(&app, &format!("/cases/{case}")).await);
        assert!(page.contains("Record a voice note"), "{page}");

        let res = upload(&app, &alice, &case, "home_visit", "visite.ogg", SAMPLE).await;
        assert_eq!(res.status(), 303);
        let id = recorded(&res);
        let v = voice_note(&app, &id).await;
        assert_eq!(v.status(), VoiceNoteStatus::Waiting);
        assert_eq!((v.file_type.as_str(), v.size_bytes, v.language.as_str()), ("ogg", SAMPLE.len() as i64, "en"));
        // Encrypted on disk: not the recording's bytes, not even its signature.
        let on_disk = std::fs::read(app.state.config.files.store.local_path(&v.object_name).unwrap()).unwrap();
        assert_ne!(on_disk, SAMPLE);
        assert!(!on_disk.windows(4).any(|w| w == b"OggS"));
        assert!(!on_disk.windows(8).any(|w| w == b"OpusHead"));
        let page = visible_text(&alice.get_en(&app, &format!("/voice-notes/{id}?recorded=1")).await);
        assert!(page.contains("Waiting for its transcription"), "{page}");
        // "My day" lists it as unfinished work.
        let day = visible_text(&alice.get_en(&app, "/my-day").await);
        assert!(day.contains("Voice notes to file") && day.contains("Haddad Camille — voice note of"), "{day}");

        // The job sends it to the server, in the author's language, and keeps the transcript.
        let jobs = runner(&app);
        let v = wait_for(&app, &id, VoiceNoteStatus::Ready).await;
        jobs.stop().await;
        assert_eq!(v.transcript.as_deref(), Some("Visite à domicile chez madame Haddad.\nLe chauffage est réparé."));
        let calls = seen.lock().unwrap().clone();
        assert_eq!(calls.len(), 1);
        let fields: std::collections::HashMap<_, _> = calls[0].iter().cloned().collect();
        assert_eq!(fields["file"], format!("{} bytes", SAMPLE.len()));
        assert_eq!(fields["response_format"], "json");
        assert_eq!(fields["language"], "en");
        let page = visible_text(&alice.get_en(&app, &format!("/voice-notes/{id}")).await);
        assert!(page.contains("Transcript ready") && page.contains("Le chauffage est réparé."), "{page}");

        // Listening is audited and sent as documents are.
        let res = en(&app, &alice, &format!("/voice-notes/{id}/audio")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "audio/ogg");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), SAMPLE);
        assert_eq!(audits(&app, "voice_note_listened", &id).await, 1);

        // The note form starts from the transcript, with the recording to listen to.
        let res = en(&app, &alice, &format!("/cases/{case}/notes/new?voice_note={id}")).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("media-src 'self' blob:"));
        let form = res.text().await.unwrap();
        assert!(form.contains("Le chauffage est réparé.</textarea>"), "{form}");
        assert!(form.contains(&format!("name=\"voice_note\" value=\"{id}\"")));
        assert!(form.contains("<option value=\"home_visit\" selected>"));
        // The worker corrects it and files it.
        let today = time::OffsetDateTime::now_utc().date();
        let d = format!("{:04}-{:02}-{:02}", today.year(), today.month() as u8, today.day());
        let res = alice
            .post(&app, &format!("/cases/{case}/notes/new"), &[
                ("date", &d), ("time", "00:01"), ("duration", "45"), ("place", ""), ("participants", ""),
                ("note_type", "home_visit"), ("confidentiality", "normal"),
                ("body", "Visite à domicile chez Mme Haddad. Le chauffage est réparé depuis lundi."),
                ("voice_note", &id),
            ])
            .await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let v = voice_note(&app, &id).await;
        assert_eq!(v.status(), VoiceNoteStatus::Filed);
        assert!(v.filed_entry_id.is_some() && v.transcript.is_none() && !v.has_audio());
        // The recording is gone from the store, its page says so, and nothing is left to file.
        assert!(!app.state.config.files.store.local_path(&v.object_name).unwrap().exists());
        assert_eq!(en(&app, &alice, &format!("/voice-notes/{id}/audio")).await.status(), 410);
        let page = visible_text(&alice.get_en(&app, &format!("/voice-notes/{id}")).await);
        assert!(page.contains("Note filed") && page.contains("Deleted"), "{page}");
        let day = visible_text(&alice.get_en(&app, "/my-day").await);
        assert!(!day.contains("Voice notes to file"), "{day}");
        let case_page = visible_text(&alice.get_en(&app, &format!("/cases/{case}")).await);
        assert!(case_page.contains("depuis lundi"), "the corrected note is on the timeline");
        assert!(case_page.contains("Note filed from a voice note") && case_page.contains("Voice note transcribed"));
        // Filing it again is refused (not found), and writes no second note.
        let res = en(&app, &alice, &format!("/cases/{case}/notes/new?voice_note={id}")).await;
        assert_eq!(res.status(), 404);
    }

    async fn the_openai_api_is_retried_with_the_queue_back_off_after_a_failure(db) {
        let (url, seen) = fake_whisper(1).await;
        let config = TranscriptionConfig { url, api: TranscriptionApi::OpenAi, model: "Systran/faster-whisper-small".into() };
        let app = spawn(db, Some(config)).await;
        let team = team_of(&app, ORG, "Secteur sud").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Martin").await;
        let res = alice
            .client
            .get(app.url(&format!("/cases/{case}/voice-notes/new")))
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // The French form, then a French recording.
        let part = reqwest::multipart::Part::bytes(SAMPLE.to_vec()).file_name("visite.ogg");
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", alice.csrf.clone())
            .text("note_type", "phone")
            .part("file", part);
        let res = alice.client.post(app.url(&format!("/cases/{case}/voice-notes/new")))
            .header("accept-language", "fr").multipart(form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let id = recorded(&res);
        let jobs = runner(&app);
        let v = wait_for(&app, &id, VoiceNoteStatus::Ready).await;
        jobs.stop().await;
        assert_eq!(v.note_type, "phone");
        let calls = seen.lock().unwrap().clone();
        assert_eq!(calls.len(), 2, "failed once, retried");
        let fields: std::collections::HashMap<_, _> = calls[1].iter().cloned().collect();
        assert_eq!(fields["model"], "Systran/faster-whisper-small");
        assert_eq!(fields["language"], "fr");
        // The failure is on the job, without a word of the recording.
        let sql = "SELECT last_error FROM jobs WHERE kind = 'voice_note_transcription' AND key = $1";
        let error: Option<String> = match &app.state.db {
            store::Db::Sqlite(p) => sqlx::query_scalar(sql).bind(&id).fetch_one(p).await.unwrap(),
            store::Db::Postgres(p) => sqlx::query_scalar(sql).bind(&id).fetch_one(p).await.unwrap(),
        };
        let error = error.unwrap();
        assert_eq!(error, format!("voice note {id}: the transcription server answered HTTP 500"));
        let page = visible_text(&alice.page(&app, &format!("/voice-notes/{id}")).await);
        assert!(page.contains("Transcription prête"), "{page}");
    }

    async fn a_backend_that_keeps_failing_leaves_the_note_to_be_written_while_listening(db) {
        // The server is configured (the job is enqueued); the fake backend fails every time.
        let (url, _) = fake_whisper(0).await;
        let config = TranscriptionConfig { url, api: TranscriptionApi::WhisperCpp, model: "whisper-1".into() };
        let app = spawn(db, Some(config)).await;
        let team = team_of(&app, ORG, "Secteur rivière").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Blanc").await;
        let failing = web::voice_notes::transcribe::FixedTranscriber::new("jamais");
        failing.fail_next(100);
        let id = recorded(&upload(&app, &alice, &case, "home_visit", "visite.ogg", SAMPLE).await);
        let jobs = runner_with(&app, Some(Arc::new(failing.clone())));
        let v = wait_for(&app, &id, VoiceNoteStatus::Failed).await;
        jobs.stop().await;
        assert_eq!(failing.calls().len(), domain::jobs::DEFAULT_MAX_ATTEMPTS as usize, "every attempt, then no more");
        assert_eq!(failing.calls()[0], ("en".to_owned(), SAMPLE.len(), files::FileType::Ogg));
        assert!(v.transcript.is_none() && v.has_audio());
        let page = visible_text(&alice.get_en(&app, &format!("/voice-notes/{id}")).await);
        assert!(page.contains("The transcription failed: write the note while listening"), "{page}");
        assert!(page.contains("Write the note while listening"), "{page}");
        // A later one is transcribed by a working backend, its text cleaned before it is kept.
        let id = recorded(&upload(&app, &alice, &case, "home_visit", "visite.ogg", SAMPLE).await);
        let working = web::voice_notes::transcribe::FixedTranscriber::new(" Mme Blanc\u{202E} va mieux.\u{7}\r\n\n\n\nÀ revoir. ");
        let jobs = runner_with(&app, Some(Arc::new(working)));
        let v = wait_for(&app, &id, VoiceNoteStatus::Ready).await;
        jobs.stop().await;
        assert_eq!(v.transcript.as_deref(), Some("Mme Blanc va mieux.\n\nÀ revoir."));
    }

    async fn without_a_backend_the_note_is_written_while_listening_and_the_recording_may_be_kept(db) {
        let app = spawn(db, None).await;
        let team = team_of(&app, ORG, "Secteur est").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Roux").await;
        let res = upload(&app, &alice, &case, "home_visit", "visite.ogg", SAMPLE).await;
        assert_eq!(res.status(), 303);
        let id = recorded(&res);
        let v = voice_note(&app, &id).await;
        assert_eq!(v.status(), VoiceNoteStatus::Manual);
        assert_eq!(count(&app, "SELECT count(*) FROM voice_notes WHERE id = $1", &id).await, 1);
        let page = visible_text(&alice.get_en(&app, &format!("/voice-notes/{id}?recorded=1")).await);
        assert!(page.contains("Write its note while listening") && page.contains("Write the note while listening"), "{page}");
        let form = alice.get_en(&app, &format!("/cases/{case}/notes/new?voice_note={id}")).await;
        assert!(form.contains("<textarea id=\"body\" name=\"body\" rows=\"12\" aria-describedby=\"body-hint\"></textarea>"), "an empty text");
        assert!(form.contains(&format!("src=\"/voice-notes/{id}/audio\"")));
        // A note refused (no text) keeps the voice note and the choice to keep the recording.
        let today = time::OffsetDateTime::now_utc().date();
        let d = format!("{:04}-{:02}-{:02}", today.year(), today.month() as u8, today.day());
        let fields = |body: &'static str| vec![
            ("date", d.clone()), ("time", "00:01".to_owned()), ("note_type", "home_visit".to_owned()),
            ("confidentiality", "normal".to_owned()), ("body", body.to_owned()),
            ("voice_note", id.clone()), ("keep_recording", "1".to_owned()),
        ];
        let owned = fields("");
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = alice.post(&app, &format!("/cases/{case}/notes/new"), &pairs).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("name=\"voice_note\" value=\"{id}\"")) && html.contains("name=\"keep_recording\" value=\"1\" aria-describedby=\"keep_recording-hint\" checked"));
        let owned = fields("Visite faite, chauffage réparé.");
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = alice.post(&app, &format!("/cases/{case}/notes/new"), &pairs).await;
        assert_eq!(res.status(), 303);
        let v = voice_note(&app, &id).await;
        assert_eq!(v.status(), VoiceNoteStatus::Filed);
        assert!(v.has_audio() && v.keep_recording, "kept on purpose");
        assert!(app.state.config.files.store.local_path(&v.object_name).unwrap().exists());
        assert_eq!(en(&app, &alice, &format!("/voice-notes/{id}/audio")).await.status(), 200);
        // Its author deletes the kept recording by hand; the note stays.
        let res = alice.post(&app, &format!("/voice-notes/{id}/delete"), &[]).await;
        assert_eq!(res.status(), 303);
        let v = voice_note(&app, &id).await;
        assert!(!v.has_audio());
        assert_eq!(v.status(), VoiceNoteStatus::Filed);
        assert!(!app.state.config.files.store.local_path(&v.object_name).unwrap().exists());
        assert_eq!(audits(&app, "record_deleted", &id).await, 1);
    }

    async fn non_audio_bytes_renamed_ogg_are_refused_with_a_clear_message(db) {
        let app = spawn(db, None).await;
        let team = team_of(&app, ORG, "Secteur ouest").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let case = open_case_for(&app, &alice, team, "Petit").await;
        let page = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
        for bytes in [page, b"%PDF-1.7 not a recording".to_vec(), b"just some text".to_vec()] {
            let res = upload(&app, &alice, &case, "phone", "visite.ogg", &bytes).await;
            assert_eq!(res.status(), 422);
            let html = res.text().await.unwrap();
            let text = visible_text(&html);
            assert!(text.contains("This file is not an audio recording we accept, whatever its name says."), "{text}");
            assert!(html.contains("<option value=\"phone\" selected>"), "the choice is kept");
            assert!(html.contains("aria-invalid=\"true\""));
        }
        let res = upload(&app, &alice, &case, "phone", "vide.ogg", b"").await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Record a voice note or choose an audio file."), "{text}");
        let rows = match &app.state.db {
            store::Db::Sqlite(p) => sqlx::query_scalar::<_, i64>("SELECT count(*) FROM voice_notes").fetch_one(p).await.unwrap(),
            store::Db::Postgres(p) => sqlx::query_scalar::<_, i64>("SELECT count(*) FROM voice_notes").fetch_one(p).await.unwrap(),
        };
        assert_eq!(rows, 0);
        let tmp = app.state.config.files.store.local_path("00000000-probe").unwrap();
        let root = tmp.parent().unwrap().parent().unwrap().to_path_buf();
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0, "nothing half-written left");
    }

    async fn voice_notes_are_read_by_the_cases_writers_and_changed_by_their_author_only(db) {
        let app = spawn(db, None).await;
        let team = team_of(&app, ORG, "Secteur centre").await;
        let other_team = team_of(&app, ORG, "Secteur gare").await;
        let alice = member(&app, ORG, "Alice", Role::Worker, &[(team, false)]).await;
        let bruno = member(&app, ORG, "Bruno", Role::Worker, &[(team, false)]).await;
        let chloe = member(&app, ORG, "Chloe", Role::Worker, &[(other_team, false)]).await;
        let sup = member(&app, ORG, "Sam", Role::Supervisor, &[(team, true)]).await;
        let case = open_case_for(&app, &alice, team, "Leroy").await;
        let id = recorded(&upload(&app, &alice, &case, "home_visit", "visite.ogg", SAMPLE).await);
        // A colleague of the team reads it and listens, but neither files nor deletes it.
        assert_eq!(bruno.get(&app, &format!("/voice-notes/{id}")).await.status(), 200);
        assert_eq!(bruno.get(&app, &format!("/voice-notes/{id}/audio")).await.status(), 200);
        assert_eq!(bruno.get(&app, &format!("/cases/{case}/notes/new?voice_note={id}")).await.status(), 404);
        assert_eq!(bruno.post(&app, &format!("/voice-notes/{id}/delete"), &[]).await.status(), 404);
        let page = visible_text(&bruno.get_en(&app, &format!("/voice-notes/{id}")).await);
        assert!(!page.contains("Delete the recording") && !page.contains("Write the note"), "{page}");
        // A worker of another team and the supervisor: not found, nothing audited for them.
        for b in [&chloe, &sup] {
            assert_eq!(b.get(&app, &format!("/voice-notes/{id}")).await.status(), 404);
            assert_eq!(b.get(&app, &format!("/voice-notes/{id}/audio")).await.status(), 404);
        }
        assert_eq!(audits(&app, "voice_note_listened", &id).await, 1, "Bruno's listen only");
        // Another organisation's worker, by the id: not found.
        let other_team_b = team_of(&app, "ccas-ailleurs", "Ailleurs").await;
        let dora = member(&app, "ccas-ailleurs", "Dora", Role::Worker, &[(other_team_b, false)]).await;
        assert_eq!(dora.get(&app, &format!("/voice-notes/{id}")).await.status(), 404);
        assert_eq!(dora.get(&app, &format!("/voice-notes/{id}/audio")).await.status(), 404);
        // Filing from a voice note of another case is not found either.
        let other_case = open_case_for(&app, &alice, team, "Garnier").await;
        assert_eq!(alice.get(&app, &format!("/cases/{other_case}/notes/new?voice_note={id}")).await.status(), 404);
        // The author deletes it before filing: gone from the case and from "my day".
        assert_eq!(alice.post(&app, &format!("/voice-notes/{id}/delete"), &[]).await.status(), 303);
        let v = voice_note(&app, &id).await;
        assert_eq!(v.status(), VoiceNoteStatus::Deleted);
        let day = visible_text(&alice.get_en(&app, "/my-day").await);
        assert!(!day.contains("Voice notes to file"), "{day}");
    }
}

/// One real round-trip with a transcription server, when one is configured:
/// `PASSERELLE_TEST_TRANSCRIPTION_URL` (and `PASSERELLE_TEST_TRANSCRIPTION_API`, whisper.cpp by
/// default; a whisper.cpp server needs `--convert` to read Ogg/Opus).
#[tokio::test]
async fn a_real_transcription_server_transcribes_the_sample() {
    let Ok(url) = std::env::var("PASSERELLE_TEST_TRANSCRIPTION_URL") else {
        eprintln!(
            "voice_notes::a_real_transcription_server_transcribes_the_sample did NOT run: \
             set PASSERELLE_TEST_TRANSCRIPTION_URL to a Whisper-compatible server to run it"
        );
        return;
    };
    let api = std::env::var("PASSERELLE_TEST_TRANSCRIPTION_API")
        .ok()
        .and_then(|a| TranscriptionApi::parse(&a))
        .unwrap_or_default();
    let config = TranscriptionConfig { url, api, model: TranscriptionConfig::DEFAULT_MODEL.into() };
    use web::voice_notes::transcribe::Transcriber;
    let server = web::voice_notes::transcribe::WhisperServer::new(&config).unwrap();
    let text = server.transcribe(SAMPLE.to_vec(), files::FileType::Ogg, "fr").await.unwrap();
    let text = text.to_lowercase();
    assert!(text.contains("domicile") || text.contains("chauffage"), "{text}");
}
