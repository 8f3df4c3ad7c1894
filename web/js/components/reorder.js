// HTML5 drag and drop for a list's rows (their `draggable` attribute is set by the owner):
// a line shows where the row will land; onMove(from, to) gets indexes in the list.
export function dragToReorder(list, onMove) {
  let dragged = null;
  let target = null;

  const rows = () => [...list.children];
  const clearMarks = () => {
    for (const row of rows()) row.classList.remove('drop-before', 'drop-after');
  };

  list.addEventListener('dragstart', (e) => {
    dragged = e.target.closest?.('li');
    if (!dragged) return;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.itemId || '');
    dragged.classList.add('is-dragging');
  });

  list.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const row = e.target.closest?.('li');
    if (!row || row === dragged) return;
    clearMarks();
    const box = row.getBoundingClientRect();
    target = { row, after: e.clientY > box.top + box.height / 2 };
    row.classList.add(target.after ? 'drop-after' : 'drop-before');
  });

  list.addEventListener('drop', (e) => {
    if (!dragged || !target) return;
    e.preventDefault();
    const all = rows();
    const from = all.indexOf(dragged);
    let to = all.indexOf(target.row) + (target.after ? 1 : 0);
    if (to > from) to -= 1;
    finish();
    if (from !== -1 && to !== from) onMove(from, to);
  });

  const finish = () => {
    clearMarks();
    dragged?.classList.remove('is-dragging');
    dragged = null;
    target = null;
  };
  list.addEventListener('dragend', finish);
}
