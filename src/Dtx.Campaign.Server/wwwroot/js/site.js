// Small progressive enhancements; every page works without them.
(function () {
    'use strict';

    // Countdowns: elements with data-deadline (ISO instant) show the days and hours left, refreshed each minute.
    function tick() {
        document.querySelectorAll('[data-deadline]').forEach(function (el) {
            var left = Date.parse(el.getAttribute('data-deadline')) - Date.now() + (Number(el.getAttribute('data-skew')) || 0);
            if (isNaN(left)) return;
            if (left <= 0) { el.textContent = el.getAttribute('data-passed') || ''; return; }
            var days = Math.floor(left / 86400000);
            var hours = Math.floor((left % 86400000) / 3600000);
            el.textContent = (el.getAttribute('data-format') || '{0} d {1} h').replace('{0}', days).replace('{1}', hours);
        });
    }

    // Autosave forms: say "unsaved" as soon as something is typed; htmx saves on change.
    function markUnsaved(event) {
        var form = event.target.closest('form[data-autosave]');
        if (!form) return;
        var status = form.querySelector('.save-status');
        if (status && status.getAttribute('data-unsaved')) {
            status.textContent = status.getAttribute('data-unsaved');
            status.classList.remove('error');
        }
    }

    // Evidence uploads through htmx show their progress in the form's <progress> bar.
    document.addEventListener('htmx:xhr:progress', function (event) {
        var form = event.target.closest && event.target.closest('form[data-upload]');
        var bar = form && form.querySelector('progress');
        if (!bar || !event.detail.lengthComputable) return;
        bar.hidden = false;
        bar.value = Math.round(100 * event.detail.loaded / event.detail.total);
    });

    // A ratio's value as it is typed: numerator ÷ denominator as a percentage, in the page's language.
    function showRatio(output) {
        var ids = (output.getAttribute('data-ratio-of') || '').split(' ');
        var num = document.getElementById(ids[0]), den = document.getElementById(ids[1]);
        if (!num || !den) return;
        var a = parseFloat(num.value), b = parseFloat(den.value);
        var english = output.getAttribute('data-lang') === 'en';
        // Written as the server writes it (Display.Percent): "75.00%" in English, "75,00 %" in Vietnamese.
        output.textContent = (isNaN(a) || isNaN(b) || b <= 0) ? '—'
            : (100 * a / b).toLocaleString(english ? 'en-GB' : 'vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + (english ? '%' : '\u00a0%');
    }

    function ratioInput(event) {
        var form = event.target.closest && event.target.closest('form');
        if (!form) return;
        form.querySelectorAll('output[data-ratio-of]').forEach(showRatio);
    }

    // Print buttons (the A4 view is the print stylesheet of the same page).
    document.addEventListener('click', function (event) {
        if (event.target.closest && event.target.closest('[data-print]')) window.print();
    });

    // A table wider than the screen scrolls inside its box: make that box reachable by keyboard and named after
    // its table, so a phone's reader can scroll it (axe: scrollable-region-focusable).
    function scrollableTables() {
        document.querySelectorAll('.table-wrap').forEach(function (wrap) {
            if (wrap.scrollWidth > wrap.clientWidth + 1) {
                var caption = wrap.querySelector('caption');
                wrap.setAttribute('tabindex', '0');
                wrap.setAttribute('role', 'region');
                if (caption) wrap.setAttribute('aria-label', caption.textContent.trim());
            } else if (wrap.getAttribute('role') === 'region') {
                wrap.removeAttribute('tabindex');
                wrap.removeAttribute('role');
                wrap.removeAttribute('aria-label');
            }
        });
    }

    // File fields: the browser writes "Choose File / No file chosen" in its own language, whatever the page's. Each field
    // gets the page's words beside it (from <body data-choose-file data-no-file>), and the native control, still focusable
    // and still what forms and screen readers use, is hidden from sight. Without this script the native one shows.
    function dressFileFields(root) {
        var choose = document.body.getAttribute('data-choose-file'), none = document.body.getAttribute('data-no-file');
        if (!choose || !none) return;
        (root || document).querySelectorAll('input[type=file]:not(.file-dressed)').forEach(function (input) {
            if (!input.id) return;
            var pick = document.createElement('span');
            pick.className = 'file-pick';
            pick.setAttribute('aria-hidden', 'true');
            var button = document.createElement('label');
            button.className = 'file-button';
            button.htmlFor = input.id;
            button.textContent = choose;
            var name = document.createElement('span');
            name.className = 'file-name';
            name.textContent = none;
            pick.appendChild(button);
            pick.appendChild(name);
            input.classList.add('file-dressed');
            input.insertAdjacentElement('afterend', pick);
            input.addEventListener('change', function () {
                name.textContent = input.files && input.files.length ? input.files[0].name : none;
            });
        });
    }
    document.addEventListener('htmx:load', function (event) { dressFileFields(event.target); });

    window.addEventListener('resize', scrollableTables);
    document.addEventListener('htmx:afterSettle', scrollableTables);

    document.addEventListener('DOMContentLoaded', function () {
        // The server's clock may differ from the reader's (tests move it): count from the server's "now".
        var serverNow = document.querySelector('[data-server-now]');
        if (serverNow) {
            var skew = Date.now() - Date.parse(serverNow.getAttribute('data-server-now'));
            document.querySelectorAll('[data-deadline]').forEach(function (el) { el.setAttribute('data-skew', String(skew)); });
        }
        tick();
        setInterval(tick, 60000);
        document.addEventListener('input', markUnsaved);
        document.addEventListener('input', ratioInput);
        scrollableTables();
        dressFileFields(document);
    });
})();
