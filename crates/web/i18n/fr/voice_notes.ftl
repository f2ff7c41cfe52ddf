## Notes vocales après les visites à domicile : enregistrement ou dépôt, transcription, note classée.

case-event-document-voice_recorded = Note vocale enregistrée
case-event-document-voice_transcribed = Note vocale transcrite
case-event-document-voice_filed = Note classée à partir d'une note vocale
case-event-document-voice_deleted = Enregistrement d'une note vocale supprimé

audit-action-voice_note_listened = Note vocale écoutée ou téléchargée

voice-status-waiting = En attente de transcription
voice-status-transcribing = Transcription en cours
voice-status-ready = Transcription prête : un brouillon de note à corriger et classer
voice-status-failed = La transcription a échoué : rédigez la note en l'écoutant
voice-status-manual = Pas de transcription automatique ici : rédigez la note en l'écoutant
voice-status-filed = Note classée
voice-status-deleted = Supprimée

voice-record = Enregistrer une note vocale
voice-new-title = Note vocale pour { $name }
voice-new-intro-transcribed = Enregistrez ce qui s'est passé juste après la visite, ou choisissez un fichier audio. La transcription revient en brouillon de note, que vous corrigez et classez ; l'enregistrement est ensuite supprimé, sauf si vous choisissez de le garder.
voice-new-intro-manual = Enregistrez ce qui s'est passé juste après la visite, ou choisissez un fichier audio. Ce serveur n'a pas de transcription automatique : vous rédigerez la note en l'écoutant ; l'enregistrement est ensuite supprimé, sauf si vous choisissez de le garder.
voice-note-type = Type de la note
voice-recorder-legend = Enregistrer dans le navigateur
voice-recorder-hint = Le navigateur demande une fois l'accès au micro. Arrêtez quand vous avez fini, réécoutez, puis envoyez.
voice-recorder-start = Commencer l'enregistrement
voice-recorder-stop = Arrêter
voice-recorder-discard = Jeter l'enregistrement
voice-recorder-time = Durée de l'enregistrement :
voice-recorder-listen = Écouter l'enregistrement
voice-recorder-recording = Enregistrement en cours…
voice-recorder-recorded = Enregistré (%time%). Réécoutez, puis envoyez-le ou jetez-le.
voice-recorder-discarded = L'enregistrement a été jeté.
voice-recorder-denied = Le micro n'a pas pu être utilisé. Autorisez-le dans le navigateur, ou choisissez un fichier audio ci-dessous.
voice-file = Ou choisir un fichier audio
voice-file-hint = Un enregistrement de votre téléphone (WebM, Ogg/Opus, M4A, AAC, MP3 ou WAV), { $max } Mo au plus.
voice-submit = Envoyer la note vocale

voice-error-too-large = L'enregistrement dépasse { $max } Mo. Enregistrez une note plus courte ou en plusieurs fois.
voice-error-empty = L'enregistrement est vide.
voice-error-not-audio = Ce fichier n'est pas un enregistrement audio accepté, quel que soit son nom. Envoyez du WebM, Ogg/Opus, M4A, AAC, MP3 ou WAV.
voice-error-not-sent = L'enregistrement n'est pas arrivé. Réessayez.
voice-error-file-required = Enregistrez une note vocale ou choisissez un fichier audio.
voice-error-choose-again = L'enregistrement était correct, mais les navigateurs ne le gardent pas : enregistrez-le ou choisissez-le à nouveau.

voice-show-title = Note vocale du { $date }
voice-facts-heading = La note vocale
voice-status = État
voice-recorded-by = Enregistrée par
voice-recording = Enregistrement
voice-recording-present = Gardé jusqu'au classement de la note
voice-recording-kept = Gardé volontairement
voice-recording-deleted = Supprimé
voice-download = Télécharger l'enregistrement
voice-transcript-heading = Transcription
voice-transcript-empty = La transcription n'a trouvé aucun mot.
voice-filed-link = Voir la note dans le suivi
voice-write-from-transcript = Corriger et classer la note
voice-write-while-listening = Rédiger la note en l'écoutant
voice-delete = Supprimer l'enregistrement
voice-delete-hint = Supprime l'enregistrement et sa transcription ; aucune note n'en est classée.
voice-delete-kept-hint = Supprime l'enregistrement gardé avec la note ; la note reste.

voice-notice-recorded = La note vocale est enregistrée. Sa transcription revient en brouillon de note dans quelques minutes : revenez sur cette page ou retrouvez-la dans « Ma journée ».
voice-notice-recorded-manual = La note vocale est enregistrée. Rédigez sa note en l'écoutant.
voice-notice-deleted = L'enregistrement a été supprimé.

voice-panel-heading = Notes vocales à classer
voice-line = Note vocale du { $date } par { $author }
voice-my-day-heading = Notes vocales à classer
voice-my-day-line = { $name } — note vocale du { $date }

voice-form-heading = À partir d'une note vocale
voice-form-transcript-hint = Le texte ci-dessous est la transcription : réécoutez si besoin, corrigez-le, puis enregistrez la note.
voice-form-listen-hint = Écoutez l'enregistrement et rédigez la note ci-dessous.
voice-keep-recording = Garder l'enregistrement avec la note
voice-keep-recording-hint = Sinon il est supprimé une fois la note enregistrée.
voice-offer-after-appointment = Plutôt la dicter maintenant ? Enregistrer une note vocale
