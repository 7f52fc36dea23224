/* "Listen" (issue 18, point 6): the page read aloud. A file, not inline: the CSP allows script-src 'self' only.
 *
 * Without this script the button is a plain link to the page's sound, made on the server by espeak-ng.
 * With it, the sound plays on the page: by the browser's own voice where it has one for the page's
 * language, otherwise the server's sound. Pressed again, it stops.
 */
(function () {
  "use strict";

  const button = document.querySelector("a[data-listen]");
  if (!button) return;
  const listenLabel = button.textContent;
  const stopLabel = button.dataset.stopLabel;
  const language = document.documentElement.lang;
  let playing = null;

  function browserVoice() {
    if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return null;
    // Norwegian voices may be named "nb" or "no".
    const prefixes = language === "nb" ? ["nb", "no"] : [language];
    return window.speechSynthesis.getVoices().find(function (voice) {
      return prefixes.some(function (prefix) { return voice.lang.toLowerCase().startsWith(prefix); });
    }) || null;
  }

  function stop() {
    if (playing) playing.stop();
    playing = null;
    button.textContent = listenLabel;
  }

  function speakInBrowser(voice) {
    const main = document.getElementById("main");
    const utterance = new SpeechSynthesisUtterance(main ? main.innerText : "");
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.addEventListener("end", stop);
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
    return { stop: function () { window.speechSynthesis.cancel(); } };
  }

  function playFromServer() {
    const audio = new Audio(button.href);
    const handle = { stop: function () { audio.pause(); } };
    audio.addEventListener("ended", stop);
    audio.play().catch(function (error) {
      // Stopped before it began: nothing to do.
      if (error.name === "AbortError" || playing !== handle) return;
      // The browser would not play it here: open the sound as the link does without this script.
      stop();
      window.location.assign(button.href);
    });
    return handle;
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (playing) {
      stop();
      return;
    }
    const voice = browserVoice();
    playing = voice ? speakInBrowser(voice) : playFromServer();
    button.textContent = stopLabel;
  });
})();
