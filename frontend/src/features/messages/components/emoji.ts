/** The picker's emoji with the names a search matches (a short list: any other emoji can be pasted in). */
export const emojiList: ReadonlyArray<{ emoji: string; names: string }> = [
  { emoji: '👍', names: 'thumbs up +1 yes like ok' },
  { emoji: '👎', names: 'thumbs down -1 no dislike' },
  { emoji: '❤️', names: 'red heart love' },
  { emoji: '😂', names: 'face with tears of joy laugh lol' },
  { emoji: '🎉', names: 'party popper tada celebrate' },
  { emoji: '😮', names: 'face with open mouth wow surprised' },
  { emoji: '😢', names: 'crying face sad' },
  { emoji: '🙏', names: 'folded hands thanks please pray' },
  { emoji: '👀', names: 'eyes looking watching' },
  { emoji: '🔥', names: 'fire hot lit' },
  { emoji: '✅', names: 'check mark button done yes' },
  { emoji: '❌', names: 'cross mark no wrong' },
  { emoji: '🚀', names: 'rocket launch ship' },
  { emoji: '💯', names: 'hundred points 100 perfect' },
  { emoji: '😀', names: 'grinning face smile happy' },
  { emoji: '😊', names: 'smiling face with smiling eyes blush' },
  { emoji: '😉', names: 'winking face wink' },
  { emoji: '😎', names: 'smiling face with sunglasses cool' },
  { emoji: '🤔', names: 'thinking face hmm' },
  { emoji: '😅', names: 'grinning face with sweat phew' },
  { emoji: '🙌', names: 'raising hands hooray' },
  { emoji: '👏', names: 'clapping hands applause' },
  { emoji: '👋', names: 'waving hand hello hi bye wave' },
  { emoji: '🤝', names: 'handshake deal agree' },
  { emoji: '💪', names: 'flexed biceps strong' },
  { emoji: '🙂', names: 'slightly smiling face' },
  { emoji: '🙃', names: 'upside-down face silly' },
  { emoji: '😬', names: 'grimacing face awkward' },
  { emoji: '😱', names: 'face screaming in fear scared' },
  { emoji: '🤯', names: 'exploding head mind blown' },
  { emoji: '🥳', names: 'partying face birthday' },
  { emoji: '😴', names: 'sleeping face tired' },
  { emoji: '🤷', names: 'person shrugging shrug dunno' },
  { emoji: '⭐', names: 'star favourite favorite' },
  { emoji: '💡', names: 'light bulb idea' },
  { emoji: '⚠️', names: 'warning caution' },
  { emoji: '🐛', names: 'bug insect' },
  { emoji: '☕', names: 'hot beverage coffee tea' },
  { emoji: '🍕', names: 'pizza food' },
  { emoji: '🎯', names: 'direct hit target bullseye' },
];

/** The emoji whose names contain every word of the query. */
export function searchEmoji(query: string): typeof emojiList {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return emojiList.filter((e) => words.every((w) => e.names.includes(w)));
}
