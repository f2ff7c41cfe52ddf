## Voice notes after home visits: record or upload, transcription, the note filed from it.

case-event-document-voice_recorded = Voice note recorded
case-event-document-voice_transcribed = Voice note transcribed
case-event-document-voice_filed = Note filed from a voice note
case-event-document-voice_deleted = Voice note recording deleted

audit-action-voice_note_listened = Voice note listened to or downloaded

voice-status-waiting = Waiting for its transcription
voice-status-transcribing = Being transcribed
voice-status-ready = Transcript ready: a draft note to correct and file
voice-status-failed = The transcription failed: write the note while listening
voice-status-manual = No automatic transcription here: write the note while listening
voice-status-filed = Note filed
voice-status-deleted = Deleted

voice-record = Record a voice note
voice-new-title = Voice note for { $name }
voice-new-intro-transcribed = Record what happened right after the visit, or choose an audio file. The transcript comes back as a draft note that you correct and file; the recording is then deleted unless you choose to keep it.
voice-new-intro-manual = Record what happened right after the visit, or choose an audio file. There is no automatic transcription on this server: you will write the note while listening to it; the recording is then deleted unless you choose to keep it.
voice-note-type = Type of the note
voice-recorder-legend = Record in the browser
voice-recorder-hint = Your browser asks once for the microphone. Stop when you are done, listen back, then send it.
voice-recorder-start = Start recording
voice-recorder-stop = Stop
voice-recorder-discard = Discard the recording
voice-recorder-time = Recording time:
voice-recorder-listen = Listen to the recording
voice-recorder-recording = Recording…
voice-recorder-recorded = Recorded (%time%). Listen back, then send it or discard it.
voice-recorder-discarded = The recording was discarded.
voice-recorder-denied = The microphone could not be used. Allow it in the browser, or choose an audio file below.
voice-file = Or choose an audio file
voice-file-hint = A recording from your phone (WebM, Ogg/Opus, M4A, AAC, MP3 or WAV), at most { $max } MB.
voice-submit = Send the voice note

voice-error-too-large = The recording is larger than { $max } MB. Record a shorter note or split it.
voice-error-empty = The recording is empty.
voice-error-not-audio = This file is not an audio recording we accept, whatever its name says. Send WebM, Ogg/Opus, M4A, AAC, MP3 or WAV.
voice-error-not-sent = The recording did not arrive. Try again.
voice-error-file-required = Record a voice note or choose an audio file.
voice-error-choose-again = The recording was fine, but browsers do not keep it: record or choose it again.

voice-show-title = Voice note of { $date }
voice-facts-heading = The voice note
voice-status = Status
voice-recorded-by = Recorded by
voice-recording = Recording
voice-recording-present = Kept until the note is filed
voice-recording-kept = Kept on purpose
voice-recording-deleted = Deleted
voice-download = Download the recording
voice-transcript-heading = Transcript
voice-transcript-empty = The transcription found no words.
voice-filed-link = See the note on the case
voice-write-from-transcript = Correct and file the note
voice-write-while-listening = Write the note while listening
voice-delete = Delete the recording
voice-delete-hint = Deletes the recording and its transcript; no note is filed from it.
voice-delete-kept-hint = Deletes the recording kept with the note; the note stays.

voice-notice-recorded = The voice note was saved. Its transcript comes back as a draft note in a few minutes: come back to this page or find it on "my day".
voice-notice-recorded-manual = The voice note was saved. Write its note while listening to it.
voice-notice-deleted = The recording was deleted.

voice-panel-heading = Voice notes to file
voice-line = Voice note of { $date } by { $author }
voice-my-day-heading = Voice notes to file
voice-my-day-line = { $name } — voice note of { $date }

voice-form-heading = From a voice note
voice-form-transcript-hint = The text below is the transcript: listen again if needed, correct it, then save the note.
voice-form-listen-hint = Listen to the recording and write the note below.
voice-keep-recording = Keep the recording with the note
voice-keep-recording-hint = Otherwise it is deleted once the note is saved.
voice-offer-after-appointment = Rather dictate it now? Record a voice note
