// While a contact writes a ticket, offers the partner's articles and Microsoft's help that match its text
// (GET /api/v1/articles/suggest). An article opens in a new tab, so the form keeps what was written; that
// visit counts as deflected unless a ticket follows (R14). Listens on the document, as known-issues.js does.
(() => {
    let timer;
    let asked = "";
    const onEdit = event => {
        const form = event.target.closest?.("form[data-self-help]");
        if (!form) return;
        clearTimeout(timer);
        timer = setTimeout(() => suggest(form), 400);
    };
    document.addEventListener("input", onEdit);
    document.addEventListener("change", onEdit);

    async function suggest(form) {
        const title = form.querySelector("#title")?.value ?? "";
        const description = form.querySelector("#description")?.value ?? "";
        const service = form.querySelector("#service")?.value ?? "";
        if ((title + description).trim().length < 4) {
            render(form, { articles: [], resources: [] });
            return;
        }
        const query = new URLSearchParams({ title, description });
        if (service) query.set("service", service);
        const key = query.toString();
        if (key === asked) return;
        asked = key;
        try {
            const response = await fetch(`${form.dataset.selfHelp}?${key}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
            if (response.ok && key === asked) render(form, await response.json());
        } catch {
            // Self-help is a help, never a gate: filing works without it.
        }
    }

    function render(form, help) {
        const box = form.querySelector("[data-self-help-box]");
        if (!box) return;
        box.replaceChildren();
        box.hidden = help.articles.length === 0;
        if (box.hidden) return;
        const heading = document.createElement("strong");
        heading.textContent = box.dataset.heading;
        box.append(heading);
        const list = document.createElement("ul");
        for (const article of help.articles) {
            const item = document.createElement("li");
            const link = document.createElement("a");
            link.href = `/portal/articles/${encodeURIComponent(article.id)}?fromNewTicket=true`;
            link.target = "_blank";
            link.rel = "noopener";
            link.className = "self-help-article";
            link.textContent = article.title;
            item.append(link);
            list.append(item);
        }
        for (const resource of help.resources) {
            const item = document.createElement("li");
            const link = document.createElement("a");
            link.href = resource.url;
            link.target = "_blank";
            link.rel = "noopener noreferrer";
            link.className = "self-help-resource";
            link.textContent = `${resource.title} (Microsoft)`;
            item.append(link);
            list.append(item);
        }
        box.append(list);
    }
})();
