-- The 903 reviews as stg_case_system__cla_reviews (same columns): reviews held (the 903 lists no cancelled
-- ones), in the period of care open on the review date. The 903 has no due date.
with

source as (

    select * from {{ current_rows('ssda903', 'ssda903__reviews', year_file='ssda903__reviews') }}

),

reviews as (

    select
        _la_code as la_code,
        {{ child_key('child') }} as child_key,
        review as review_date,
        {{ to_code('review_code') }} as participation_code,
        row_number() over (
            partition by _la_code, child, review order by collection_year desc, _row_number asc
        ) as year_rank
    from source

),

episodes as (

    select * from {{ ref('stg_ssda903__episodes') }}

)

select
    reviews.la_code,
    reviews.child_key || ':' || cast(reviews.review_date as varchar) as cla_review_id,
    max(episodes.cla_id) as cla_id,
    cast(null as date) as due_date,
    reviews.review_date,
    false as is_cancelled,
    reviews.participation_code
from reviews
left join episodes
    on
        reviews.la_code = episodes.la_code
        and reviews.child_key = episodes.child_key
        and {{ is_open_at('episodes.start_date', 'episodes.ceased_date', 'reviews.review_date') }}
where reviews.year_rank = 1
group by reviews.la_code, reviews.child_key, reviews.review_date, reviews.participation_code
