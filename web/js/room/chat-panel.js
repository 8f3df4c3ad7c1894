// Room chat (the last 50 messages arrive with `welcome`) and the reaction buttons.
import { toastError } from '../components/toast.js';
import { h, mount } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { icon } from '../icons.js';

export const REACTIONS = ['👍', '❤️', '😂', '🔥', '🎉', '👏'];

export function chatPanel(room) {
  const list = h('ol', { class: 'chat-list', role: 'log', 'aria-live': 'polite', 'aria-label': t('chat.messages'), 'data-testid': 'chat-list', tabindex: '0' });
  const input = h('input', { class: 'input chat-input', name: 'text', maxlength: 500, autocomplete: 'off', placeholder: t('chat.placeholder'),
    'aria-label': t('chat.message'), 'data-testid': 'chat-input', required: true });
  const send = h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'chat-send' }, t('chat.send'));
  const form = h('form', { class: 'chat-form' }, input, send);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    try {
      await room.command('chat', { text });
      input.value = '';
    } catch (err) {
      toastError({ name: 'ApiError', message: err.code === 'RATE_LIMITED' ? t('chat.slowDown') : err.message });
    } finally {
      send.disabled = false;
      input.focus();
    }
  });

  const reactions = h('div', { class: 'reaction-bar', role: 'group', 'aria-label': t('chat.reactions') },
    REACTIONS.map((emoji) => h('button', { type: 'button', class: 'reaction-btn', 'data-testid': 'reaction-button', 'aria-label': t('chat.react', { emoji }),
      onclick: () => room.command('reaction', { emoji }).catch((err) => toastError({ name: 'ApiError', message: err.message })) }, emoji)));

  const el = h('section', { class: 'card room-chat', 'aria-labelledby': 'room-chat-title' },
    h('h2', { class: 'card-title', id: 'room-chat-title' }, icon('note', 'icon icon-title'), t('chat.title')),
    list, reactions, form);

  function message(m) {
    const mine = m.user?.id === room.you?.id;
    const at = new Date(m.sentAt);
    return h('li', { class: `chat-message${mine ? ' is-mine' : ''}`, 'data-testid': 'chat-message', 'data-id': m.id },
      h('span', { class: 'chat-meta' },
        h('strong', { class: 'chat-name' }, m.user?.name ?? t('chat.someone')),
        m.user?.guest && h('span', { class: 'badge chat-guest' }, t('chat.guest')),
        h('time', { class: 'muted', datetime: at.toISOString() }, formatDate(at, { hour: '2-digit', minute: '2-digit' }))),
      h('span', { class: 'chat-text' }, m.text));
  }

  function update() {
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    mount(list, room.chat.length ? room.chat.map(message) : h('li', { class: 'muted chat-empty' }, t('chat.empty')));
    if (nearBottom || list.dataset.filled !== 'true') list.scrollTop = list.scrollHeight;
    list.dataset.filled = 'true';
    const live = room.status === 'live';
    input.disabled = !live;
    for (const b of reactions.children) b.disabled = !live;
  }

  update();
  return { el, update };
}
