// Records a voice note in the browser (progressive enhancement of the voice note form): where
// MediaRecorder works, the recorder appears; the recording is put in the form's file input, so
// the form sends it as if the file had been chosen by hand. Without this script, or where the
// browser cannot record, the file input alone does it all.
(function () {
  'use strict';
  var box = document.getElementById('recorder');
  var input = document.getElementById('file');
  if (!box || !input || !window.MediaRecorder || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia || typeof DataTransfer === 'undefined') {
    return;
  }
  var start = document.getElementById('record-start');
  var stop = document.getElementById('record-stop');
  var discard = document.getElementById('record-discard');
  var clock = document.getElementById('record-time');
  var status = document.getElementById('record-status');
  var playback = document.getElementById('record-playback');
  var recorder = null;
  var stream = null;
  var chunks = [];
  var started = 0;
  var timer = null;
  var url = null;

  var TYPES = [
    ['audio/webm;codecs=opus', 'webm'],
    ['audio/webm', 'webm'],
    ['audio/mp4', 'm4a'],
    ['audio/ogg;codecs=opus', 'ogg']
  ];
  function chosenType() {
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(TYPES[i][0])) {
        return TYPES[i];
      }
    }
    return ['', 'webm'];
  }
  function elapsed() {
    var s = Math.floor((Date.now() - started) / 1000);
    var sec = s % 60;
    return Math.floor(s / 60) + ':' + (sec < 10 ? '0' : '') + sec;
  }
  function say(key, time) {
    var text = box.getAttribute('data-msg-' + key) || '';
    status.textContent = time ? text.replace('%time%', time) : text;
  }
  function forget() {
    if (url) { URL.revokeObjectURL(url); url = null; }
    playback.removeAttribute('src');
    playback.hidden = true;
    input.value = '';
  }

  box.hidden = false;
  start.addEventListener('click', function () {
    forget();
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
      stream = s;
      var type = chosenType();
      recorder = type[0] ? new MediaRecorder(s, { mimeType: type[0] }) : new MediaRecorder(s);
      chunks = [];
      recorder.addEventListener('dataavailable', function (e) {
        if (e.data && e.data.size > 0) { chunks.push(e.data); }
      });
      recorder.addEventListener('stop', function () {
        clearInterval(timer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        var mime = (recorder.mimeType || type[0] || 'audio/webm').split(';')[0];
        var blob = new Blob(chunks, { type: mime });
        var file = new File([blob], 'voice-note.' + type[1], { type: mime });
        var dt = new DataTransfer();
        dt.items.add(file);
        input.files = dt.files;
        url = URL.createObjectURL(blob);
        playback.src = url;
        playback.hidden = false;
        say('recorded', clock.textContent);
        start.disabled = false;
        stop.disabled = true;
        discard.disabled = false;
        playback.focus();
      });
      started = Date.now();
      clock.textContent = '0:00';
      timer = setInterval(function () { clock.textContent = elapsed(); }, 500);
      recorder.start(1000);
      say('recording');
      start.disabled = true;
      stop.disabled = false;
      discard.disabled = true;
      stop.focus();
    }, function () {
      say('denied');
    });
  });
  stop.addEventListener('click', function () {
    if (recorder && recorder.state !== 'inactive') { recorder.stop(); }
  });
  discard.addEventListener('click', function () {
    forget();
    clock.textContent = '0:00';
    discard.disabled = true;
    say('discarded');
    start.focus();
  });
}());
