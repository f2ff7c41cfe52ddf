//! The transcription port: [`Transcriber`] turns a recording into text. Implementations: a
//! Whisper-compatible HTTP server ([`WhisperServer`]: the whisper.cpp server's
//! `POST /inference`, or the OpenAI-compatible `POST /v1/audio/transcriptions` of
//! faster-whisper servers), and [`FixedTranscriber`], a double for tests. Without a configured
//! server there is no transcriber: the worker writes the note while listening.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::voice_notes::TranscriptionApi;
use files::FileType;

use super::TranscriptionConfig;

/// Why a transcription failed, without the audio or the text (they are personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TranscriptionError(pub String);

pub type TranscribeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<String, TranscriptionError>> + Send + 'a>>;

/// Turns a recording into text.
pub trait Transcriber: Send + Sync {
    /// The text of `audio` (of type `file_type`), spoken in `language` (`fr`, `en`).
    fn transcribe<'a>(
        &'a self,
        audio: Vec<u8>,
        file_type: FileType,
        language: &'a str,
    ) -> TranscribeFuture<'a>;
}

/// A Whisper-compatible transcription server.
#[derive(Debug, Clone)]
pub struct WhisperServer {
    endpoint: String,
    api: TranscriptionApi,
    model: String,
    client: reqwest::Client,
}

/// How long one transcription may take: a few minutes of audio on a small CPU.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

impl WhisperServer {
    pub fn new(config: &TranscriptionConfig) -> Result<WhisperServer, TranscriptionError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| TranscriptionError(format!("the HTTP client could not be made: {e}")))?;
        Ok(WhisperServer {
            endpoint: config.api.endpoint(&config.url),
            api: config.api,
            model: config.model.clone(),
            client,
        })
    }

    /// Where audio is posted.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

#[derive(serde::Deserialize)]
struct Answer {
    text: String,
}

impl Transcriber for WhisperServer {
    fn transcribe<'a>(
        &'a self,
        audio: Vec<u8>,
        file_type: FileType,
        language: &'a str,
    ) -> TranscribeFuture<'a> {
        Box::pin(async move {
            let part = reqwest::multipart::Part::bytes(audio)
                .file_name(format!("voice-note.{}", file_type.extension()))
                .mime_str(file_type.mime())
                .map_err(|_| TranscriptionError("an audio type is not a media type".into()))?;
            let mut form = reqwest::multipart::Form::new()
                .part("file", part)
                .text("response_format", "json")
                .text("language", language.to_owned());
            form = match self.api {
                TranscriptionApi::WhisperCpp => form.text("temperature", "0.0"),
                TranscriptionApi::OpenAi => form.text("model", self.model.clone()),
            };
            // Errors name the kind of failure, never the address (it may carry credentials).
            let response =
                self.client.post(&self.endpoint).multipart(form).send().await.map_err(|e| {
                    let kind = if e.is_timeout() {
                        "timed out"
                    } else if e.is_connect() {
                        "could not be reached"
                    } else {
                        "failed"
                    };
                    TranscriptionError(format!("the transcription server {kind}"))
                })?;
            let status = response.status();
            if !status.is_success() {
                return Err(TranscriptionError(format!(
                    "the transcription server answered HTTP {}",
                    status.as_u16()
                )));
            }
            let answer: Answer = response.json().await.map_err(|_| {
                TranscriptionError("the transcription server's answer has no text".into())
            })?;
            Ok(answer.text)
        })
    }
}

/// The configured transcriber, if any.
pub fn from_config(
    config: Option<&TranscriptionConfig>,
) -> Result<Option<Arc<dyn Transcriber>>, TranscriptionError> {
    match config {
        Some(c) => Ok(Some(Arc::new(WhisperServer::new(c)?))),
        None => Ok(None),
    }
}

/// A transcriber that answers a fixed text, or fails the next calls when told to; it keeps
/// the languages and sizes it was asked about.
#[derive(Debug, Clone, Default)]
pub struct FixedTranscriber {
    inner: Arc<Mutex<Fixed>>,
}

#[derive(Debug, Default)]
struct Fixed {
    text: String,
    failures_left: usize,
    calls: Vec<(String, usize, FileType)>,
}

impl FixedTranscriber {
    pub fn new(text: &str) -> FixedTranscriber {
        let t = FixedTranscriber::default();
        t.inner.lock().expect("not poisoned").text = text.to_owned();
        t
    }

    /// The next `n` calls fail.
    pub fn fail_next(&self, n: usize) {
        self.inner.lock().expect("not poisoned").failures_left = n;
    }

    /// Every call so far: language, bytes, type.
    pub fn calls(&self) -> Vec<(String, usize, FileType)> {
        self.inner.lock().expect("not poisoned").calls.clone()
    }
}

impl Transcriber for FixedTranscriber {
    fn transcribe<'a>(
        &'a self,
        audio: Vec<u8>,
        file_type: FileType,
        language: &'a str,
    ) -> TranscribeFuture<'a> {
        Box::pin(async move {
            let mut inner = self.inner.lock().expect("not poisoned");
            inner.calls.push((language.to_owned(), audio.len(), file_type));
            if inner.failures_left > 0 {
                inner.failures_left -= 1;
                return Err(TranscriptionError("the fixed transcriber was told to fail".into()));
            }
            Ok(inner.text.clone())
        })
    }
}
