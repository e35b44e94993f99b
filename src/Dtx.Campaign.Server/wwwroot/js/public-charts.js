// Charts of the public results pages. Each <canvas data-chart="ID"> reads its figures from the
// <script type="application/json" id="ID"> block next to it: no inline script (the CSP forbids it).
// The tables on the same pages hold the same figures and are the charts' text alternative.
(function () {
    'use strict';
    if (typeof window.Chart === 'undefined') return;

    var accent = '#0b5394';
    var second = '#8a4b00';
    var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN';
    var percent = function (value) { return Number(value).toLocaleString(lang, { maximumFractionDigits: 2 }) + '%'; };

    function ranking(canvas, data) {
        // One bar per unit, horizontal so that long unit names stay readable on a phone.
        canvas.parentNode.style.height = Math.max(160, data.labels.length * 28 + 60) + 'px';
        return new window.Chart(canvas, {
            type: 'bar',
            data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: accent }] },
            options: {
                indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
                scales: { x: { min: 0, max: 100, ticks: { callback: percent } } },
                plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { return percent(c.parsed.x); } } } }
            }
        });
    }

    function groups(canvas, data) {
        // A radar reads well from three groups up; fewer are shown as bars.
        var radar = data.labels.length >= 3;
        var colours = [accent, second];
        canvas.parentNode.style.height = radar ? '360px' : '240px';
        return new window.Chart(canvas, {
            type: radar ? 'radar' : 'bar',
            data: {
                labels: data.labels,
                datasets: data.series.map(function (s, i) {
                    return { label: s.label, data: s.values, borderColor: colours[i], backgroundColor: radar ? 'rgba(0,0,0,0)' : colours[i], pointBackgroundColor: colours[i] };
                })
            },
            options: {
                responsive: true, maintainAspectRatio: false, animation: false,
                scales: radar ? { r: { min: 0, max: 100, ticks: { callback: percent } } } : { y: { min: 0, max: 100, ticks: { callback: percent } } },
                plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + percent(c.raw); } } } }
            }
        });
    }

    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
        var source = document.getElementById(canvas.getAttribute('data-chart'));
        if (!source) return;
        var data = JSON.parse(source.textContent);
        var chart = data.type === 'groups' ? groups(canvas, data) : ranking(canvas, data);
        canvas.setAttribute('data-rendered', chart ? 'true' : 'false');
    });
})();
