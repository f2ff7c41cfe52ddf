//! Sending a document's bytes: as an attachment (RFC 6266, the name in UTF-8 with an ASCII
//! fallback), or, for images and PDFs, inline for the preview under a policy that runs nothing.
//! Always with the type sniffed at upload and `X-Content-Type-Options: nosniff`, so a browser
//! never reinterprets them. Every download and preview is an audit event, recorded before any
//! byte is sent.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;
use files::{FileType, Preview};
use store::audit::NewAuditEvent;
use store::documents::Document;
use uuid::Uuid;

use super::{organisation, readable};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;

/// The policy of an inline image: nothing runs, nothing loads, framed only by our pages.
const IMAGE_CSP: &str = "default-src 'none'; frame-ancestors 'self'; sandbox";
/// The policy of an inline PDF. Browsers' PDF viewers do not run under `sandbox` (Chromium
/// blocks its viewer in sandboxed frames), so the frame is not sandboxed; the viewer runs the
/// PDF's scripts, if any, in its own isolated process, and nothing else may load.
const PDF_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/// The name a download gets: the stored (cleaned) name, with the extension of its real type
/// added when it has another one (a JPEG named `scan.pdf` downloads as `scan.pdf.jpg`).
pub(super) fn download_name(name: &str, file_type: FileType) -> String {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let fits = match file_type {
        FileType::Jpeg => ext == "jpg" || ext == "jpeg",
        FileType::Heic => ext == "heic" || ext == "heif",
        FileType::M4a => ext == "m4a" || ext == "mp4",
        FileType::WebmAudio => ext == "weba" || ext == "webm",
        FileType::Ogg => ext == "ogg" || ext == "opus" || ext == "oga",
        other => ext == other.extension(),
    };
    if fits { name.to_owned() } else { format!("{name}.{}", file_type.extension()) }
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 and 8187).
pub(super) fn content_disposition(kind: &str, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if keep {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The response carrying a document's bytes, decrypted as they are sent.
pub(crate) async fn send(
    state: &AppState,
    doc: &Document,
    inline: bool,
) -> Result<Response, WebError> {
    let file_type = FileType::parse(&doc.file_type)
        .ok_or(WebError::Internal("a stored file type is unknown"))?;
    let object = Object { id: doc.id, name: &doc.object_name, size: doc.size_bytes };
    send_object(state, object, file_type, &doc.file_name, inline).await
}

/// A stored object to send: the record's id (for the logs), its object name and size.
pub(crate) struct Object<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub size: i64,
}

/// The response carrying an object's bytes (a document's, a voice note's), decrypted as they
/// are sent, named `file_name` (with the extension of its real type).
pub(crate) async fn send_object(
    state: &AppState,
    object: Object<'_>,
    file_type: FileType,
    file_name: &str,
    inline: bool,
) -> Result<Response, WebError> {
    let stream = state.config.files.store.open(object.name).await.map_err(|e| {
        tracing::error!(error = %e, record = %object.id, "a stored file could not be opened");
        WebError::Internal("a stored file could not be opened")
    })?;
    let name = download_name(file_name, file_type);
    let disposition = content_disposition(if inline { "inline" } else { "attachment" }, &name);
    let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file_type.mime()));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(object.size.max(0) as u64));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|_| WebError::Internal("a file name"))?,
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if inline {
        let csp = if file_type.preview() == Some(Preview::Pdf) { PDF_CSP } else { IMAGE_CSP };
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    }
    Ok(response)
}

async fn audit(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    doc: &Document,
    action: AuditAction,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(action, Some(org))
        .by(signed_in.actor.user_id)
        .on("document", doc.id)
        .detail("person", doc.person_id.to_string())
        .detail("case", doc.case_id.map(|c| c.to_string()))
        .detail("confidential", doc.confidential);
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn download(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (doc, _) = readable(&state, &signed_in, id).await?;
    audit(&state, &meta, &signed_in, &doc, AuditAction::DocumentDownloaded).await?;
    send(&state, &doc, false).await
}

pub async fn preview(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (doc, _) = readable(&state, &signed_in, id).await?;
    // Only what a browser shows without running anything of ours: images and PDFs.
    if FileType::parse(&doc.file_type).and_then(FileType::preview).is_none() {
        return Err(WebError::NotFound);
    }
    audit(&state, &meta, &signed_in, &doc, AuditAction::DocumentPreviewed).await?;
    send(&state, &doc, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_name_their_real_type_in_utf8_with_an_ascii_fallback() {
        assert_eq!(download_name("scan.pdf", FileType::Pdf), "scan.pdf");
        assert_eq!(download_name("scan.PDF", FileType::Pdf), "scan.PDF");
        assert_eq!(download_name("photo.jpeg", FileType::Jpeg), "photo.jpeg");
        assert_eq!(download_name("scan.pdf", FileType::Jpeg), "scan.pdf.jpg");
        assert_eq!(download_name("document", FileType::Docx), "document.docx");
        assert_eq!(
            content_disposition("attachment", "titre séjour \"Amel\".pdf"),
            "attachment; filename=\"titre s_jour _Amel_.pdf\"; filename*=UTF-8''titre%20s%C3%A9jour%20%22Amel%22.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a;b\\c.png"),
            "inline; filename=\"a;b_c.png\"; filename*=UTF-8''a%3Bb%5Cc.png"
        );
    }
}
