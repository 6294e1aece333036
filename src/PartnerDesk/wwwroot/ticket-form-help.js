// While a contact writes a ticket, two helps ask PartnerDesk about its text and show what they find:
// - known Microsoft issues of the tenant (GET /api/v1/service-health/matches), above the send button;
// - the partner's articles and Microsoft's help (GET /api/v1/articles/suggest). An article opens in a new tab,
//   so the form keeps what was written; that visit counts as deflected unless a ticket follows (R14).
// Beside each known issue and each article, "This solved my problem" submits the form as "solved by" that answer:
// the page records the ticket avoided and files nothing (API clients: POST /api/v1/self-help/deflections).
// Listens on the document, so it keeps working across Blazor's enhanced navigation. Each is a help, never a gate.
(() => {
    // A form with the attribute gets the help: its value is the address asked, with the form's title,
    // description and service, once the text is long enough and the typing has paused.
    function watch(attribute, minLength, pause, empty, render) {
        const key = attribute.replace(/^data-/, "").replace(/-(.)/g, (_, c) => c.toUpperCase());
        let timer;
        let asked = "";
        const onEdit = event => {
            const form = event.target.closest?.(`form[${attribute}]`);
            if (!form) return;
            clearTimeout(timer);
            timer = setTimeout(() => ask(form), pause);
        };
        document.addEventListener("input", onEdit);
        document.addEventListener("change", onEdit);

        async function ask(form) {
            const title = form.querySelector("#title")?.value ?? "";
            const description = form.querySelector("#description")?.value ?? "";
            const service = form.querySelector("#service")?.value ?? "";
            if ((title + description).trim().length < minLength) {
                render(form, empty);
                return;
            }
            const query = new URLSearchParams({ title, description });
            if (service) query.set("service", service);
            const text = query.toString();
            if (text === asked) return;
            asked = text;
            try {
                const response = await fetch(`${form.dataset[key]}?${text}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
                if (response.ok && text === asked) render(form, await response.json());
            } catch {
                // Filing works without it.
            }
        }
    }

    watch("data-known-issue-check", 6, 350, [], renderMatches);
    watch("data-self-help", 4, 400, { articles: [], resources: [] }, renderHelp);

    function renderMatches(form, matches) {
        const box = form.querySelector("[data-known-issue-prompt]");
        if (!box) return;
        box.replaceChildren();
        box.hidden = matches.length === 0;
        for (const match of matches) {
            const article = document.createElement("article");
            article.className = "known-issue";
            article.dataset.issue = match.microsoftId;
            const heading = document.createElement("strong");
            heading.textContent = `${box.dataset.heading} ${match.service}: ${match.title}`;
            article.append(heading);
            if (match.latestPost) {
                const latest = document.createElement("p");
                latest.textContent = `${box.dataset.latest} ${match.latestPost}`;
                article.append(latest);
            }
            article.append(solvedButton(form, { issueId: match.issueId }));
            box.append(article);
        }
        if (matches.length > 0) {
            const hint = document.createElement("p");
            hint.className = "muted";
            hint.textContent = box.dataset.hint;
            box.append(hint);
        }
    }

    // A plain button (never the form's default one, which Enter in a field presses) that sends the ticket form as
    // "solved by" this answer, in a hidden field named as the form's own fields are: the page records what answered the
    // contact, with what was written, and files nothing. A half-written form may say "solved", so no validation.
    function solvedButton(form, answer) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "solved";
        button.dataset.solved = answer.issueId ?? answer.articleId;
        button.textContent = form.dataset.solved;
        button.addEventListener("click", () => {
            let field = form.querySelector("input[data-solved-by]");
            if (!field) {
                field = document.createElement("input");
                field.type = "hidden";
                field.dataset.solvedBy = "";
                field.name = (form.querySelector("#title")?.name ?? "Form.Title").replace(/Title$/, "SolvedBy");
                form.append(field);
            }
            field.value = answer.issueId ? `issue:${answer.issueId}` : `article:${answer.articleId}`;
            button.disabled = true;
            form.noValidate = true;
            form.requestSubmit();
        });
        return button;
    }

    function renderHelp(form, help) {
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
            item.append(link, " ", solvedButton(form, { articleId: article.id }));
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
