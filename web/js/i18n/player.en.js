// The player's strings (bar, phone now-playing view, queue, shortcuts help).
export default {
};
