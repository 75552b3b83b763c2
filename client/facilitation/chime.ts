/** A soft two-tone chime (WebAudio, no file to load) for the end of a countdown. */
const CHIME_VOLUME = 0.15
const NOTE_SECONDS = 0.6

export function playChime(): void {
  try {
    const audio = new AudioContext()
    ;[660, 880].forEach((frequency, i) => {
      const oscillator = audio.createOscillator()
      const gain = audio.createGain()
      oscillator.type = 'sine'
      oscillator.frequency.value = frequency
      const start = audio.currentTime + i * 0.25
      gain.gain.setValueAtTime(0, start)
      gain.gain.linearRampToValueAtTime(CHIME_VOLUME, start + 0.03)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + NOTE_SECONDS)
      oscillator.connect(gain).connect(audio.destination)
      oscillator.start(start)
      oscillator.stop(start + NOTE_SECONDS)
    })
    setTimeout(() => void audio.close(), 2000)
  } catch {
    // No audio (e.g. not allowed before a click): the timer still turns red.
  }
}
