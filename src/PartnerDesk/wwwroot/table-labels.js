// On a phone a console table shows each row as a card, each cell under its column's name (phone.css reads data-label).
// The names are taken from the table's own header, so that no page writes them twice; a cell the page labels itself
// keeps its label. Watches the page, for tables that interactive pages and enhanced navigation put there later.
(() => {
    function headerText(th) {
        const copy = th.cloneNode(true);
        for (const hidden of copy.querySelectorAll("[aria-hidden='true']")) hidden.remove(); // sort marks and icons
        return copy.textContent.trim().replace(/\s+/g, " ");
    }

    function label() {
        for (const table of document.querySelectorAll("table.grid:not(.cards)")) {
            const head = table.tHead?.rows[0];
            if (!head) continue;
            const names = [];
            for (const th of head.cells) {
                const text = headerText(th);
                for (let i = 0; i < th.colSpan; i++) names.push(text);
            }
            for (const body of table.tBodies) {
                for (const row of body.rows) {
                    let at = 0;
                    for (const cell of row.cells) {
                        const name = names[at];
                        at += cell.colSpan;
                        if (cell.hasAttribute("data-label") && !cell.hasAttribute("data-label-auto")) continue;
                        if (name) {
                            if (cell.getAttribute("data-label") !== name) cell.setAttribute("data-label", name);
                            cell.setAttribute("data-label-auto", "");
                        }
                    }
                }
            }
        }
    }

    let pending = false;
    function soon() {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
            pending = false;
            label();
        });
    }

    function start() {
        label();
        // Only elements added or removed: the labels it writes itself do not wake it again.
        new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
    }

    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
})();
