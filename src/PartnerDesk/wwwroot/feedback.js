// Results and confirmations, on every page: toasts (Platform/Ui/Toast.razor) and the confirm dialog
// (Platform/Ui/ConfirmDialog.razor). Listens on the document, so it works across enhanced navigation and on
// interactive pages, whose toasts arrive by Blazor's rendering.
(() => {
    const cookie = "pd-toast";
    const announced = new WeakMap(); // toast element → the text announced (enhanced navigation may reuse an element)

    // A toast's text goes to the layout's live region, which was in the page before the text: screen readers
    // follow a region that changes, not one that arrives with its text.
    function announce(toast) {
        const text = toast.querySelector(".toast-text")?.textContent ?? "";
        if (announced.get(toast) === text) return;
        announced.set(toast, text);
        toast.hidden = false;
        const region = document.getElementById(toast.dataset.toast === "error" ? "toast-alert" : "toast-status");
        if (region) {
            region.textContent = "";
            setTimeout(() => { region.textContent = text; }, 100);
        }
        // Successes leave after a while unless the pointer or the focus is on them; errors stay until dismissed.
        if (toast.dataset.toast !== "error") {
            setTimeout(function fade() {
                if (announced.get(toast) !== text) return; // a newer message in the same element keeps its own time
                if (toast.matches(":hover, :focus-within")) { setTimeout(fade, 2000); return; }
                toast.hidden = true;
            }, 10000);
        }
    }

    function scan() {
        // A flashed toast is shown once: if the server could not delete its cookie (the page was streaming), the page does.
        if (document.getElementById("flash-toast")) document.cookie = `${cookie}=; path=/; max-age=0; samesite=strict`;
        for (const toast of document.querySelectorAll("[data-toast]")) announce(toast);
    }

    // Toasts in the page as it loaded, and those Blazor adds later (interactive pages, enhanced navigation).
    scan();
    new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

    // An interactive page flashes a toast before it navigates (there is no response of its own to set a cookie on).
    window.partnerDeskFlash = (kind, text) => {
        document.cookie = `${cookie}=${encodeURIComponent(`${kind}|${text}`)}; path=/; max-age=60; samesite=strict`;
    };

    // ---- Confirmations ----
    let pending = null; // the button or link that asked, clicked again once confirmed
    let returnFocus = null;

    function dialog() { return document.getElementById("confirm-dialog"); }

    // Capture on window: before Blazor's handlers (on the document) and before a form submits.
    window.addEventListener("click", event => {
        const dismiss = event.target.closest?.("[data-toast-dismiss]");
        if (dismiss) {
            const toast = dismiss.closest("[data-toast]");
            if (toast) toast.hidden = true;
            return;
        }

        const asking = event.target.closest?.("[data-confirm]");
        const box = dialog();
        if (!asking || !box || asking.dataset.confirmed === "yes") return;
        event.preventDefault();
        event.stopImmediatePropagation();
        pending = asking;
        const active = document.activeElement;
        returnFocus = active instanceof HTMLElement && active !== document.body ? active : asking;
        box.querySelector("#confirm-text").textContent = asking.dataset.confirm;
        box.querySelector("[data-confirm-ok]").textContent = asking.dataset.confirmAction || box.dataset.defaultAction;
        box.showModal();
        box.querySelector("[data-confirm-cancel]").focus(); // the safe choice first
    }, true);

    document.addEventListener("click", event => {
        const box = dialog();
        if (!box?.open) return;
        if (event.target.closest?.("[data-confirm-cancel]")) {
            box.close("cancel");
        } else if (event.target.closest?.("[data-confirm-ok]")) {
            box.close("ok");
        }
    });

    // Escape closes a modal <dialog> by itself ("cancel"); either way the focus goes back to where it was.
    document.addEventListener("close", event => {
        if (event.target.id !== "confirm-dialog") return;
        const asking = pending;
        pending = null;
        const confirmed = event.target.returnValue === "ok";
        event.target.returnValue = "";
        if (asking && confirmed && asking.isConnected) {
            asking.dataset.confirmed = "yes";
            asking.click();
            delete asking.dataset.confirmed;
        }
        (asking?.isConnected ? returnFocus : null)?.focus?.();
    }, true);
})();

// ---- Side panels (quick edits, e.g. a contract on the plans page): Blazor adds and removes them; the focus goes in
// when one opens, Escape closes it through its own close button, and the focus returns to what opened it.
(() => {
    let opener = null;
    let open = null;

    function watch() {
        const panel = document.querySelector(".side-panel");
        if (panel && panel !== open) {
            if (!open) opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
            open = panel;
            panel.querySelector(":is(input, select, textarea, button, fluent-button):not([disabled])")?.focus();
        } else if (!panel && open) {
            open = null;
            if (opener?.isConnected) opener.focus();
            opener = null;
        }
    }

    new MutationObserver(watch).observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener("keydown", event => {
        if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
        const panel = event.target.closest?.(".side-panel");
        if (panel) {
            event.preventDefault();
            panel.querySelector("[data-panel-close]")?.click();
        }
    });
})();
