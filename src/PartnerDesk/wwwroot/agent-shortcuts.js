// Keyboard shortcuts of the agent console's queue and ticket page (the "?" dialog lists them).
// Moving between tickets and opening one happen here; what changes a ticket (assign to me, the status, reply or
// note) is asked of the page, which runs it through the same rules as a click. Nothing fires while the agent
// types in a field or holds Ctrl, Alt or Meta, so the keys never eat text or the browser's own shortcuts.
(() => {
    let page = null; // { ref: DotNetObjectReference, kind: "queue" | "ticket" }
    const orderKey = "partnerdesk.queue.order";

    const typing = el => !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.closest?.("fluent-text-field, fluent-text-area, [role='textbox'], [role='combobox']"));
    const rows = () => [...document.querySelectorAll("#queue tbody tr[data-id]")];
    const currentRow = () => document.activeElement?.closest?.("#queue tbody tr[data-id]") ?? null;

    function focusRow(row) {
        if (!row) return;
        row.focus();
        row.scrollIntoView({ block: "nearest" });
    }

    function move(delta) {
        const all = rows();
        if (all.length === 0) return;
        const at = all.indexOf(currentRow());
        focusRow(all[at < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + delta))]);
    }

    // The queue's order, so that j/k on a ticket page go to the next ticket of the queue the agent came from.
    function rememberOrder() {
        const ids = rows().map(r => r.dataset.id);
        if (ids.length > 0) sessionStorage.setItem(orderKey, JSON.stringify(ids));
    }

    function go(url) {
        if (window.Blazor?.navigateTo) window.Blazor.navigateTo(url);
        else location.assign(url);
    }

    function neighbour(delta) {
        const id = location.pathname.split("/").pop();
        let ids = [];
        try { ids = JSON.parse(sessionStorage.getItem(orderKey) ?? "[]"); } catch { ids = []; }
        const at = ids.indexOf(id);
        const next = at < 0 ? undefined : ids[at + delta];
        if (next) go(`/console/tickets/${next}`);
    }

    function openHelp() {
        const dialog = document.getElementById("shortcuts-dialog");
        if (dialog && !dialog.open) dialog.showModal();
    }

    document.addEventListener("click", event => {
        const opener = event.target.closest?.("[data-opens-dialog]");
        if (opener) {
            document.getElementById(opener.dataset.opensDialog)?.showModal();
            return;
        }
        const closer = event.target.closest?.("[data-closes-dialog]");
        if (closer) closer.closest("dialog")?.close();
    });

    document.addEventListener("keydown", event => {
        if (!page || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
        if (document.querySelector("dialog[open]")) return; // a dialog keeps its own keys (Escape closes it)
        if (typing(event.target)) return;
        const key = event.key;
        if (key === "?") {
            event.preventDefault();
            openHelp();
            return;
        }
        if (page.kind === "queue") {
            rememberOrder();
            if (key === "j" || key === "ArrowDown") { event.preventDefault(); move(1); return; }
            if (key === "k" || key === "ArrowUp") { event.preventDefault(); move(-1); return; }
            const row = currentRow();
            if (key === "Enter" && row && event.target === row) {
                event.preventDefault();
                row.querySelector("a[href^='/console/tickets/']")?.click();
                return;
            }
            if (key === "x" && row) {
                event.preventDefault();
                row.querySelector("input[type='checkbox']")?.click();
                return;
            }
            if (key === "a" || key === "s") {
                event.preventDefault();
                page.ref.invokeMethodAsync("OnShortcut", key, row?.dataset.id ?? null);
            }
            return;
        }
        if (page.kind === "ticket") {
            if (key === "j" || key === "ArrowDown" && event.target === document.body) { event.preventDefault(); neighbour(1); return; }
            if (key === "k" || key === "ArrowUp" && event.target === document.body) { event.preventDefault(); neighbour(-1); return; }
            if (key === "r" || key === "n") {
                event.preventDefault();
                page.ref.invokeMethodAsync("OnShortcut", key, null).then(() => document.getElementById("reply-body")?.focus());
                return;
            }
            if (key === "s") {
                event.preventDefault();
                document.getElementById("status")?.focus();
                return;
            }
            if (key === "a") {
                event.preventDefault();
                page.ref.invokeMethodAsync("OnShortcut", key, null);
            }
        }
    });

    window.partnerDeskShortcuts = {
        attach(ref, kind) {
            page = { ref, kind };
            if (kind === "queue") rememberOrder();
        },
        detach(ref) {
            if (page?.ref === ref) page = null;
        },
        remember: rememberOrder,
        focus(id) { document.getElementById(id)?.focus(); },
    };
})();
