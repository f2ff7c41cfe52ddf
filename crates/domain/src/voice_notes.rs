//! Voice notes after home visits (issue 9 point 4; ADR 0024): a worker records (or uploads) a
//! few minutes of audio on a case; a transcription backend, when one is configured, turns it
//! into the draft of a note; the worker corrects and files that note through the usual note
//! form; the recording is then deleted unless the worker chose to keep it.
//!
//! The bytes (sniffing against the voice-note allow-list, size, encryption) are the `files`
//! crate's; who records and reads voice notes is [`crate::policy::may_record_voice_note`] and
//! [`crate::policy::may_read_voice_note`].

use crate::cases::BODY_MAX;

/// The job of the job runner that transcribes one voice note (its key is the voice note's id).
pub const TRANSCRIPTION_JOB: &str = "voice_note_transcription";

/// The note type a voice note's note gets unless the worker chose another: voice notes are
/// dictated after home visits.
pub const DEFAULT_NOTE_TYPE: &str = "home_visit";

/// Where a voice note is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VoiceNoteStatus {
    /// Stored, its transcription queued.
    Waiting,
    /// A transcription attempt is running.
    Transcribing,
    /// The transcript is there: a draft note to correct and file.
    Ready,
    /// Every transcription attempt failed: the worker writes the note while listening.
    Failed,
    /// No transcription backend is configured: the worker writes the note while listening.
    Manual,
    /// Its note was filed.
    Filed,
    /// Deleted by its author before a note was filed.
    Deleted,
}

impl VoiceNoteStatus {
    pub const ALL: [VoiceNoteStatus; 7] = [
        VoiceNoteStatus::Waiting,
        VoiceNoteStatus::Transcribing,
        VoiceNoteStatus::Ready,
        VoiceNoteStatus::Failed,
        VoiceNoteStatus::Manual,
        VoiceNoteStatus::Filed,
        VoiceNoteStatus::Deleted,
    ];

    /// The code stored in `voice_notes.status` (its CHECK lists the same codes).
    pub fn as_str(self) -> &'static str {
        match self {
            VoiceNoteStatus::Waiting => "waiting",
            VoiceNoteStatus::Transcribing => "transcribing",
            VoiceNoteStatus::Ready => "ready",
            VoiceNoteStatus::Failed => "failed",
            VoiceNoteStatus::Manual => "manual",
            VoiceNoteStatus::Filed => "filed",
            VoiceNoteStatus::Deleted => "deleted",
        }
    }

    pub fn parse(code: &str) -> Option<VoiceNoteStatus> {
        VoiceNoteStatus::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// Unfinished work: no note filed from it yet, and not deleted. Listed on "my day".
    pub fn is_unfinished(self) -> bool {
        !matches!(self, VoiceNoteStatus::Filed | VoiceNoteStatus::Deleted)
    }

    /// Whether a note may be filed from it now. While a transcription is waiting or running
    /// the worker may still write the note themselves (they listened): the transcript, when
    /// it arrives, is then not used.
    pub fn may_file(self) -> bool {
        self.is_unfinished()
    }

    /// Whether the transcription job still has something to do.
    pub fn wants_transcript(self) -> bool {
        matches!(self, VoiceNoteStatus::Waiting | VoiceNoteStatus::Transcribing)
    }

    /// The status a new voice note starts in: waiting for its transcription when a backend is
    /// configured, else to be written by hand.
    pub fn initial(backend_configured: bool) -> VoiceNoteStatus {
        if backend_configured { VoiceNoteStatus::Waiting } else { VoiceNoteStatus::Manual }
    }
}

/// Whether the recording is deleted when its note is filed: always, unless the worker ticked
/// "keep the recording" (a person's words worth keeping as they were said).
pub fn delete_audio_when_filed(keep_recording: bool) -> bool {
    !keep_recording
}

/// The HTTP interface of a Whisper-compatible transcription server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TranscriptionApi {
    /// The whisper.cpp server: `POST /inference`, multipart `file`, `response_format=json`.
    #[default]
    WhisperCpp,
    /// The OpenAI-compatible `POST /v1/audio/transcriptions` (faster-whisper servers, …).
    OpenAi,
}

impl TranscriptionApi {
    /// `whisper.cpp` or `openai`, as configured (`PASSERELLE_TRANSCRIPTION_API`).
    pub fn parse(text: &str) -> Option<TranscriptionApi> {
        match text.trim().to_ascii_lowercase().as_str() {
            "whisper.cpp" | "whispercpp" | "whisper-cpp" => Some(TranscriptionApi::WhisperCpp),
            "openai" => Some(TranscriptionApi::OpenAi),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptionApi::WhisperCpp => "whisper.cpp",
            TranscriptionApi::OpenAi => "openai",
        }
    }

    /// The address to post audio to, from the server's base address (a trailing slash or the
    /// endpoint itself already given are accepted).
    pub fn endpoint(self, base: &str) -> String {
        let path = match self {
            TranscriptionApi::WhisperCpp => "/inference",
            TranscriptionApi::OpenAi => "/v1/audio/transcriptions",
        };
        let base = base.trim().trim_end_matches('/');
        if base.ends_with(path) { base.to_owned() } else { format!("{base}{path}") }
    }
}

/// The language the transcription is asked for: the author's language if they chose one the
/// backend is told about (French or English), else French, the organisations' language.
pub fn transcription_language(preferred: Option<&str>) -> &'static str {
    match preferred.map(|p| p.trim().to_ascii_lowercase()) {
        Some(p) if p == "en" || p.starts_with("en-") => "en",
        _ => "fr",
    }
}

/// A transcript as it becomes the draft of a note: control characters (but line breaks) and
/// bidirectional overrides removed, white space at the ends trimmed, runs of blank lines
/// reduced to one, and cut to the longest note body.
pub fn clean_transcript(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if c == '\n' || (c == '\t') {
            out.push(if c == '\t' { ' ' } else { c });
        } else if c == '\r' || bidi || c.is_control() {
            continue;
        } else {
            out.push(c);
        }
    }
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let mut joined = String::new();
    let mut blank = false;
    for line in lines {
        if line.is_empty() {
            blank = !joined.is_empty();
            continue;
        }
        if !joined.is_empty() {
            joined.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        joined.push_str(line);
    }
    joined.chars().take(BODY_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_say_what_is_unfinished() {
        for s in VoiceNoteStatus::ALL {
            assert_eq!(VoiceNoteStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(VoiceNoteStatus::parse("done"), None);
        let unfinished: Vec<_> =
            VoiceNoteStatus::ALL.into_iter().filter(|s| s.is_unfinished()).collect();
        assert_eq!(
            unfinished,
            [
                VoiceNoteStatus::Waiting,
                VoiceNoteStatus::Transcribing,
                VoiceNoteStatus::Ready,
                VoiceNoteStatus::Failed,
                VoiceNoteStatus::Manual
            ]
        );
        assert!(!VoiceNoteStatus::Filed.may_file());
        assert!(!VoiceNoteStatus::Deleted.may_file());
        assert!(VoiceNoteStatus::Ready.may_file());
        assert!(VoiceNoteStatus::Waiting.wants_transcript());
        assert!(!VoiceNoteStatus::Ready.wants_transcript());
        assert!(!VoiceNoteStatus::Deleted.wants_transcript());
        assert_eq!(VoiceNoteStatus::initial(true), VoiceNoteStatus::Waiting);
        assert_eq!(VoiceNoteStatus::initial(false), VoiceNoteStatus::Manual);
    }

    #[test]
    fn the_recording_is_deleted_when_filed_unless_kept() {
        assert!(delete_audio_when_filed(false));
        assert!(!delete_audio_when_filed(true));
    }

    #[test]
    fn both_apis_are_configured_by_name_and_post_to_their_endpoint() {
        assert_eq!(TranscriptionApi::default(), TranscriptionApi::WhisperCpp);
        assert_eq!(TranscriptionApi::parse("whisper.cpp"), Some(TranscriptionApi::WhisperCpp));
        assert_eq!(TranscriptionApi::parse(" OpenAI "), Some(TranscriptionApi::OpenAi));
        assert_eq!(TranscriptionApi::parse("vosk"), None);
        for api in [TranscriptionApi::WhisperCpp, TranscriptionApi::OpenAi] {
            assert_eq!(TranscriptionApi::parse(api.as_str()), Some(api));
        }
        assert_eq!(
            TranscriptionApi::WhisperCpp.endpoint("http://127.0.0.1:8178/"),
            "http://127.0.0.1:8178/inference"
        );
        assert_eq!(
            TranscriptionApi::WhisperCpp.endpoint("http://127.0.0.1:8178/inference"),
            "http://127.0.0.1:8178/inference"
        );
        assert_eq!(
            TranscriptionApi::OpenAi.endpoint("https://stt.example.org"),
            "https://stt.example.org/v1/audio/transcriptions"
        );
    }

    #[test]
    fn transcription_is_asked_in_the_authors_language_french_by_default() {
        assert_eq!(transcription_language(Some("en")), "en");
        assert_eq!(transcription_language(Some("en-GB")), "en");
        assert_eq!(transcription_language(Some("fr")), "fr");
        assert_eq!(transcription_language(Some("ko")), "fr");
        assert_eq!(transcription_language(None), "fr");
    }

    #[test]
    fn transcripts_are_cleaned_before_they_become_a_draft() {
        assert_eq!(
            clean_transcript("  Visite à domicile.\r\n\n\n\n Mme Haddad\u{202E} va bien.\u{7} \n"),
            "Visite à domicile.\n\nMme Haddad va bien."
        );
        assert_eq!(clean_transcript(" \n\t "), "");
        let long = "a".repeat(BODY_MAX + 10);
        assert_eq!(clean_transcript(&long).chars().count(), BODY_MAX);
    }
}
